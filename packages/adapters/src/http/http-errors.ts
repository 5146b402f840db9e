import { HTTPError, TimeoutError } from 'ky';

/**
 * One line saying why a request failed, naming the host but never the path or
 * query (they may hold tokens, as incoming-webhook URLs do) nor any header.
 */
export async function describeHttpFailure(
  error: unknown,
  url: URL,
  timeoutMs: number,
): Promise<string> {
  const where = url.host;
  if (error instanceof TimeoutError) return `${where} did not answer within ${timeoutMs} ms`;
  if (error instanceof HTTPError) {
    const body = await error.response.text().catch(() => '');
    const detail = body.trim() === '' ? '' : `: ${clip(oneLine(body), 200)}`;
    return `${where} answered HTTP ${error.response.status}${detail}`;
  }
  const code = errorCode(error);
  if (code) return `cannot reach ${where} (${code})`;
  if (error instanceof Error && error.name === 'AbortError') return `request to ${where} aborted`;
  return `cannot reach ${where}`;
}

/** The socket error code (ECONNREFUSED, ENOTFOUND, ...) inside a fetch failure, if any. */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    const nested = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(nested)) {
      const inner = nested.map(errorCode).find((c) => c !== undefined);
      if (inner) return inner;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
