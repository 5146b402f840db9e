// The HTTP load generator of the benchmarks: autocannon (a wrk-like client
// with its own HTTP/1.1 writer and parser), keeping `connections` keep-alive
// requests in flight. A node:http client in the same role tops out at about
// half of what a bare Hono route serves on this machine, so it measured
// itself, not the server.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/**
 * The Node.js flags the API's start script runs the server with (`pnpm
 * start`; the Dockerfile uses the same), read from apps/api/package.json, so
 * a benchmark's server runs as a deployed one does.
 */
export function serverNodeFlags() {
  const manifest = JSON.parse(
    readFileSync(new URL('../../apps/api/package.json', import.meta.url), 'utf8'),
  );
  return manifest.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * POSTs to `url` + `path` for `seconds` (or exactly `amount` requests), the
 * bodies taken in turn from `bodies`. Resolves with 200s, other statuses,
 * errors, 200s per second and latency percentiles in milliseconds.
 */
export async function drive(url, path, { connections, seconds, amount, bodies, headers = {} }) {
  const target = new URL(path, url);
  const started = performance.now();
  const result = await autocannon({
    url: target.href,
    connections,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    // autocannon notices the end (time up, or the amount answered) on its
    // sampling tick, 1 s by default; the requests of a fixed amount would be
    // spread over whole seconds.
    sampleInt: 10,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    // Each connection cycles through the bodies, built into requests once:
    // making a body per request in this process capped the bare route.
    requests: bodies.map((body) => ({ body })),
  });
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  );
  const ok = statuses['200'] ?? 0;
  // autocannon's own duration is whole seconds: too coarse for a fixed amount.
  const elapsedMs = performance.now() - started;
  return {
    requests: result.requests.total,
    ok,
    errors: result.errors + result.timeouts,
    statuses,
    elapsedMs,
    rps: (ok * 1000) / elapsedMs,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux), or null.
 * On a shared machine throughput moves with other load; CPU per request
 * does much less, so the reports give both.
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime), in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
