import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPeriodicTask } from './periodic-task.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('startPeriodicTask', () => {
  it('runs on its interval, never two runs at once: a run asked for meanwhile joins the one in flight', async () => {
    vi.useFakeTimers();
    let runs = 0;
    let release = () => {};
    const task = startPeriodicTask(() => {
      runs++;
      return new Promise<number>((resolve) => {
        release = () => resolve(runs);
      });
    }, 1000);
    const first = task.runNow();
    const joined = task.runNow();
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(1);
    release();
    expect(await first).toBe(1);
    expect(await joined).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    release();
    await task.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(2);
  });

  it('waits for the run in flight when stopped', async () => {
    let finished = false;
    const task = startPeriodicTask(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished = true;
    }, 60_000);
    void task.runNow();
    await task.stop();
    expect(finished).toBe(true);
  });
});
