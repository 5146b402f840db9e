import { Worker } from 'node:worker_threads';
import { SQLITE_DRIVER_PATH } from './sqlite-driver.js';

/**
 * Checkpoints a SQLite WAL from a worker thread.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that fills the WAL
 * past 1000 pages, on the thread that commits: here the event loop. It
 * copies the pages and syncs the files, which held the event loop for tens
 * of milliseconds every hundred requests or so under load, mostly waiting
 * on fsync, with every request in flight waiting too.
 *
 * The worker has a connection of its own and copies committed pages back
 * into the database every `intervalMs` (PASSIVE: it never blocks a writer).
 * Under continuous writes the WAL is never copied to its very end between
 * two commits, so it cannot start over by itself; when it passes
 * `restartFrames`, the group commit holds new writes back (the event loop
 * goes on with everything else), the worker copies the rest and restarts
 * the WAL (RESTART), and the held writes go on.
 */
export interface WalCheckpointerOptions {
  /** The database file (its WAL is `${file}-wal`). */
  file: string;
  busyTimeoutMs: number;
  /** How often the worker copies committed pages back. */
  intervalMs?: number;
  /** WAL frames (pages) after which the WAL is restarted. */
  restartFrames?: number;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 100;
/** 8192 pages: 32 MB with the default 4 KB page. */
export const DEFAULT_RESTART_FRAMES = 8192;
const CLOSE_TIMEOUT_MS = 5000;
/** How long a restart waits for a lock while writes are held back. */
const RESTART_BUSY_TIMEOUT_MS = 200;

// The worker's code: CommonJS run from a string, so the package needs no
// second entry file; it loads the same better-sqlite3 the store uses.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = NORMAL');
const checkpoint = (mode) => {
  try {
    parentPort.postMessage({ mode, frames: db.pragma('wal_checkpoint(' + mode + ')')[0].log });
  } catch {
    // Busy or failed: the next interval tries again; a restart is over either way.
    parentPort.postMessage({ mode });
  }
};
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'restart') {
    // Writes wait while this runs: give up soon if a reader (another
    // process) holds an old snapshot, and try again at the next report.
    db.pragma('busy_timeout = ' + workerData.restartBusyTimeoutMs);
    checkpoint('RESTART');
    db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
  }
  else if (message === 'close') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/** What the worker says after each checkpoint: the WAL's frames, unless it failed. */
interface Report {
  mode: 'PASSIVE' | 'RESTART';
  frames?: number;
}

export class WalCheckpointer {
  readonly restartFrames: number;
  readonly #worker: Worker;
  /** Frames in the WAL at the worker's last checkpoint. */
  #frames = 0;
  #restart: { done: Promise<void>; finish: () => void } | null = null;
  #exited: Promise<void>;
  /** The worker has died, or is closing: nothing more is asked of it. */
  #stopped = false;

  /** Starts the worker; throws if it cannot be created. `onFailure` runs once if it dies. */
  constructor(options: WalCheckpointerOptions, onFailure: (error: Error) => void) {
    this.restartFrames = options.restartFrames ?? DEFAULT_RESTART_FRAMES;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: SQLITE_DRIVER_PATH,
        file: options.file,
        busyTimeoutMs: options.busyTimeoutMs,
        restartBusyTimeoutMs: Math.min(options.busyTimeoutMs, RESTART_BUSY_TIMEOUT_MS),
        intervalMs: options.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
      },
    });
    // A checkpointer never keeps the process alive.
    this.#worker.unref();
    this.#worker.on('message', (report: Report) => {
      if (report.frames !== undefined) this.#frames = report.frames;
      if (report.mode === 'RESTART') this.#finishRestart();
    });
    const fail = (error: Error) => {
      if (this.#stopped) return;
      this.#stopped = true;
      this.#finishRestart();
      onFailure(error);
    };
    this.#worker.on('error', fail);
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        if (code !== 0) fail(new Error(`the WAL checkpointer stopped (exit code ${code})`));
        else this.#stopped = true;
        this.#finishRestart();
        resolve();
      });
    });
  }

  /** True when the WAL has grown past `restartFrames` and no restart is under way. */
  get wantsRestart(): boolean {
    return !this.#stopped && this.#restart === null && this.#frames >= this.restartFrames;
  }

  /**
   * Asks the worker to copy the rest of the WAL and restart it. The caller
   * holds writes back until this resolves (it never rejects).
   */
  restart(): Promise<void> {
    if (this.#restart !== null) return this.#restart.done;
    let finish = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#restart = { done, finish };
    this.#frames = 0;
    if (this.#stopped) this.#finishRestart();
    else this.#worker.postMessage('restart');
    return done;
  }

  /** Stops the worker after its current checkpoint; resolves once it has closed its connection. */
  async close(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.#worker.postMessage('close');
    }
    // A checkpoint stuck on a lock must not hold the store's close up.
    const stuck = setTimeout(() => void this.#worker.terminate(), CLOSE_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(stuck);
  }

  #finishRestart(): void {
    const restart = this.#restart;
    this.#restart = null;
    restart?.finish();
  }
}
