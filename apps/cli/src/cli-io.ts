// What a command needs from the process: its three streams. Tests pass their own.

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
}

/** A command: its arguments (after the command name) in, its exit status out. */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Exit statuses of the command-line contract. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called: reported with the usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A command's arguments parsed, or the exit status to end with: a usage
 * error is printed with the usage (status 2), `--help` prints the usage
 * (status 0). Other errors propagate.
 */
export function parseCommandArgs<T>(
  argv: readonly string[],
  parse: (argv: readonly string[]) => T | 'help',
  usage: string,
  io: CliIo,
): T | number {
  let options: T | 'help';
  try {
    options = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${error.message}\n${usage}\n`);
    return EXIT_USAGE;
  }
  if (options === 'help') {
    io.stdout.write(`${usage}\n`);
    return EXIT_OK;
  }
  return options;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

/** Writes text, waiting while the stream's buffer is full (a slow pipe, a closed `head`). */
export function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    out.once('error', onError);
    const flushed = out.write(text, () => out.off('error', onError));
    if (flushed) resolve();
    else out.once('drain', () => resolve());
  });
}
