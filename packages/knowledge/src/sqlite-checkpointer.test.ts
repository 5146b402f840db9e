import { describe, expect, it } from 'vitest';
import { WalCheckpointer } from './sqlite-checkpointer.js';

async function until(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('WalCheckpointer', () => {
  it('reports once a worker that cannot open its database, and never holds a restart up', async () => {
    const failures: Error[] = [];
    const checkpointer = new WalCheckpointer(
      { file: '/nonexistent/devops-agent/store.db', busyTimeoutMs: 50, intervalMs: 10 },
      (error) => failures.push(error),
    );
    await until(() => failures.length > 0);
    expect(failures).toHaveLength(1);
    expect(checkpointer.wantsRestart).toBe(false);
    // Writes held for a restart go on at once when the worker is gone.
    await expect(checkpointer.restart()).resolves.toBeUndefined();
    await checkpointer.close();
    expect(failures).toHaveLength(1);
  });
});
