export interface PeriodicTask<T> {
  /** Runs the task now, or joins the run in flight. */
  runNow(): Promise<T>;
  /** Stops the timer and waits for the run in flight. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs` on an unref'd timer (it never keeps the
 * process alive), never two runs at once: a run asked for while one is in
 * flight joins it. `task` must not reject; it reports its own failures.
 * Background upkeep (retention, the remediation sweep) runs on it.
 */
export function startPeriodicTask<T>(task: () => Promise<T>, intervalMs: number): PeriodicTask<T> {
  let running: Promise<T> | null = null;
  const runNow = () => {
    running ??= task().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void runNow(), intervalMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
