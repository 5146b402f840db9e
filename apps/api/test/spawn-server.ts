import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  lines: string[];
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs a built server entry (`dist/main.js`) and waits for its listening
 * line. `node` is the Node.js binary to run it with (this one by default).
 */
export function spawnServer(
  entry: string,
  env: Record<string, string>,
  node: string = process.execPath,
): Promise<SpawnedServer> {
  const child = spawn(node, [entry], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${lines.join('\n')}`));
    }, 20_000);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        lines.push(line);
        const url = /listening on (http:\/\/[^\s"]+)/.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve({
            child,
            url,
            lines,
            stop(signal = 'SIGTERM') {
              child.kill(signal);
              return exited;
            },
          });
        }
      });
    }
    exited.then((code) => {
      clearTimeout(timer);
      reject(
        Object.assign(new Error(`server exited with ${code}:\n${lines.join('\n')}`), {
          code,
          lines,
        }),
      );
    });
  });
}
