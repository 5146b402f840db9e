import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { AgentError } from '@agent/core';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;
/** Deeper than any request we define needs; stops stack-heavy payloads early. */
export const MAX_JSON_DEPTH = 32;

/**
 * The size limit of the contract: a body over `maxBytes` is refused with 413
 * from its Content-Length, or while streaming when there is none, without
 * reading the whole body into memory.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new AgentError('payload_too_large', `request body is larger than ${maxBytes} bytes`);
  };
  const streaming = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async function limitBody(c, next) {
    // A declared length decides without touching `c.req.raw.body`: asking for
    // the stream turns @hono/node-server's direct body read off (about a fifth
    // of a small request's cost). Node's parser never reads past the length.
    const declared = declaredLength(
      c.req.header('content-length'),
      c.req.header('transfer-encoding'),
    );
    if (declared === null) return streaming(c, next);
    if (declared > maxBytes) tooLarge();
    return next();
  };
}

/** The body's length from a Content-Length alone (no Transfer-Encoding), else null. */
function declaredLength(
  contentLength: string | undefined,
  transferEncoding: string | undefined,
): number | null {
  if (contentLength === undefined || transferEncoding !== undefined) return null;
  return /^\d{1,15}$/.test(contentLength) ? Number(contentLength) : null;
}

/**
 * Parses a JSON request body once, with the contract's errors: a body that is
 * not declared JSON is 415, malformed JSON is 400 `invalid_json`, and nesting
 * deeper than MAX_JSON_DEPTH is 400 `validation_failed`. With `optional`, a
 * request without a body is fine. The body text is cached by Hono, so the
 * route's validator reads the cached text (Hono caches bodies per request).
 *
 * A body sent with `Content-Encoding: gzip`, `deflate` or `br` (log shippers
 * compress their HTTP output) is decompressed first, to at most `maxBytes`
 * (413 past that: a small bomb cannot become a large body); another encoding
 * is 415.
 */
export function jsonBody(options: { maxBytes: number; optional?: boolean }): MiddlewareHandler {
  return async function jsonBody(c, next) {
    const declared = declaredLength(
      c.req.header('content-length'),
      c.req.header('transfer-encoding'),
    );
    const declaredEmpty = declared === null ? c.req.raw.body === null : declared === 0;
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!declaredEmpty && !JSON_MEDIA_TYPE.test(mediaType)) {
      // No type and nothing in it is no body: over HTTP, `curl -X POST` without
      // data arrives as an empty stream with neither length nor type.
      if (mediaType === '' && (await c.req.text()) === '') {
        if (options.optional) return next();
        throw new AgentError('validation_failed', 'request body is required (a JSON object)');
      }
      throw new AgentError(
        'unsupported_media_type',
        `request body must be application/json, not ${mediaType === '' ? 'an undeclared type' : `"${mediaType.slice(0, 100)}"`}`,
      );
    }
    const text = declaredEmpty ? '' : await bodyText(c, options.maxBytes);
    if (text.trim() === '') {
      if (options.optional) return next();
      throw new AgentError('validation_failed', 'request body is required (a JSON object)');
    }
    if (depthExceeds(text, MAX_JSON_DEPTH)) {
      throw new AgentError(
        'validation_failed',
        `request body nests deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
    try {
      JSON.parse(text);
    } catch (error) {
      throw new AgentError(
        'invalid_json',
        `request body is not valid JSON: ${withoutExcerpt((error as Error).message)}`,
      );
    }
    await next();
  };
}

const DECOMPRESS = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
} as const;

/**
 * The request body as text, decompressed as its Content-Encoding says, and
 * left in Hono's body cache as text, where the route's validator reads it.
 */
async function bodyText(c: Context, maxBytes: number): Promise<string> {
  const encoding = (c.req.header('content-encoding') ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return c.req.text();
  if (!Object.hasOwn(DECOMPRESS, encoding)) {
    throw new AgentError(
      'unsupported_media_type',
      `request body has Content-Encoding "${encoding.slice(0, 50)}"; send it uncompressed, or as gzip, deflate or br`,
    );
  }
  const compressed = Buffer.from(await c.req.arrayBuffer());
  let text: string;
  try {
    const decompress = DECOMPRESS[encoding as keyof typeof DECOMPRESS];
    text = decompress(compressed, { maxOutputLength: Math.min(maxBytes, 2 ** 31 - 1) }).toString(
      'utf8',
    );
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AgentError(
        'payload_too_large',
        `request body is larger than ${maxBytes} bytes once decompressed`,
      );
    }
    throw new AgentError(
      'validation_failed',
      `request body is not valid ${encoding} data: ${(error as Error).message}`,
    );
  }
  // Hono keeps the promise of each body read there (its type says the value).
  (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
  return text;
}

/** Counts bracket nesting outside strings in one pass, before JSON.parse recurses. */
export function depthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

/**
 * JSON.parse's message without the excerpt of the body V8 quotes in it
 * (`Unexpected token 'p', "password=h"... is not valid JSON`): the body may
 * hold a secret, and errors never repeat one.
 */
export function withoutExcerpt(message: string): string {
  const cut = message.replace(
    /(?:^|, )(?:\.\.\.)?"[\s\S]{0,200}?"(?:\.\.\.)? is not valid JSON$/,
    '',
  );
  return cut === '' ? 'unexpected input' : cut;
}
