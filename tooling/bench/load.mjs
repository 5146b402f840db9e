// The HTTP load generator of the benchmarks: autocannon (a wrk-like client
// with its own HTTP/1.1 writer and parser), keeping `connections` keep-alive
// requests in flight. A node:http client in the same role tops out at about
// half of what a bare Hono route serves on this machine, so it measured
// itself, not the server.
import autocannon from 'autocannon';

/**
 * POSTs to `url` + `path` for `seconds` (or exactly `amount` requests), each
 * body from `bodyOf(n)`. Resolves with 200s, other statuses, errors,
 * 200s per second and latency percentiles in milliseconds.
 */
export async function drive(url, path, { connections, seconds, amount, bodyOf, headers = {} }) {
  let n = 0;
  const target = new URL(path, url);
  const result = await autocannon({
    url: target.href,
    connections,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    // A fresh body per request (numbers vary, as in real logs).
    requests: [
      {
        setupRequest: (request) => {
          request.body = bodyOf(n++);
          return request;
        },
      },
    ],
  });
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  );
  const ok = statuses['200'] ?? 0;
  const elapsedMs = result.duration * 1000;
  return {
    requests: result.requests.total,
    ok,
    errors: result.errors + result.timeouts,
    statuses,
    elapsedMs,
    rps: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}
