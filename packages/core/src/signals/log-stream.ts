import { LogIngester } from '../ingest/log-ingester.js';
import type { LogRecord } from '../ingest/log-record.js';
import { redactSecrets } from '../ingest/redact.js';

/** A private key block is kept in one piece up to this size (as the redactor bounds it). */
const KEY_BLOCK_CHARS = 12_000;

/**
 * Records of a log that arrives in chunks, with secrets redacted, in memory
 * bounded by the chunk size rather than the log's size. Text reaches the
 * redactor in whole lines and never splits a private key block, so it is
 * redacted exactly as the whole text would be; the ingester joins records
 * across chunks itself.
 */
export async function* streamRecords(
  chunks: AsyncIterable<string> | Iterable<string>,
): AsyncGenerator<LogRecord[]> {
  const ingester = new LogIngester();
  let pending = '';
  for await (const chunk of chunks) {
    pending += chunk;
    const cut = redactionCut(pending);
    if (cut === 0) continue;
    const records = ingester.push(redactSecrets(pending.slice(0, cut)));
    pending = pending.slice(cut);
    if (records.length > 0) yield records;
  }
  const records = pending.length > 0 ? ingester.push(redactSecrets(pending)) : [];
  for (const r of ingester.end()) records.push(r);
  if (records.length > 0) yield records;
}

/**
 * How much of the text can be redacted now: up to its last newline, or up
 * to the start of a private key block that is still open (0: wait for more).
 */
function redactionCut(text: string): number {
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline === -1) return 0;
  // The last key block start among the last KEY_BLOCK_CHARS characters.
  let begin = -1;
  for (
    let at = text.indexOf('-----BEGIN ', Math.max(0, text.length - KEY_BLOCK_CHARS));
    at !== -1;
    at = text.indexOf('-----BEGIN ', at + 1)
  ) {
    begin = at;
  }
  if (begin !== -1) {
    const end = text.indexOf('-----END ', begin);
    if (end === -1 || text.indexOf('\n', end) === -1) {
      // Open block: everything before its line can go.
      const lineStart = text.lastIndexOf('\n', begin) + 1;
      return lineStart;
    }
  }
  return lastNewline + 1;
}
