import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Bytes read at a time from a file. */
const CHUNK_BYTES = 1 << 20;

/**
 * The lines of a file path, or of standard input for "-": decoded as UTF-8
 * (invalid bytes become U+FFFD, a sequence split between reads is kept
 * whole), split at LF with a CR before it dropped. A last line without a
 * newline counts; a final newline does not open another line.
 */
export async function* readLines(
  file: string,
  stdin: NodeJS.ReadableStream,
): AsyncGenerator<string> {
  const stream = file === '-' ? stdin : await openFile(file);
  stream.setEncoding('utf8');
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + String(chunk);
    let start = 0;
    for (;;) {
      const lf = text.indexOf('\n', start);
      if (lf < 0) break;
      yield text.slice(start, lf > start && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf);
      start = lf + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) yield rest.charCodeAt(rest.length - 1) === 13 ? rest.slice(0, -1) : rest;
}

async function openFile(file: string): Promise<NodeJS.ReadableStream> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === 'ENOENT' ? `${file}: no such file` : `${file}: ${error.message}`,
    );
  });
  if (!info.isFile()) throw new Error(`${file}: not a regular file`);
  return createReadStream(file, { highWaterMark: CHUNK_BYTES });
}
