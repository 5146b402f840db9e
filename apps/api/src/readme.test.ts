import { readFileSync } from 'node:fs';
import { configTable } from '@agent/config';
import { describe, expect, it } from 'vitest';
import { createTestApi } from '../test/harness.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every configuration variable exactly as the schema defines it', () => {
    const documented = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(
      README,
    )?.[1];
    expect(documented?.trim()).toBe(configTable().trim());
  });

  it('lists every route the API serves in its endpoint table', async () => {
    const api = await createTestApi();
    try {
      for (const route of api.routes.entries()) {
        expect(README, `${route.method} ${route.path}`).toContain(
          `| ${route.method} | \`${route.path}\` |`,
        );
      }
    } finally {
      await api.close();
    }
  });

  it('gives the two set-up commands, the test one marked for CI', () => {
    expect(README).toMatch(
      /```sh\nnpm install -g pnpm@[\d.]+ && pnpm install --frozen-lockfile && pnpm start\n```/,
    );
    expect(README).toMatch(
      /<!-- test-command -->\n```sh\nnpm install -g pnpm@[\d.]+ && pnpm install --frozen-lockfile && pnpm test\n```/,
    );
    const pinned = JSON.parse(
      readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
    ).packageManager;
    expect(README).toContain(`npm install -g ${pinned}`);
  });

  it('runs the servers with the same Node.js flags in the start scripts, the Docker images and the text', () => {
    const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
    const flagsOf = (command: string) => command.split(/\s+/).filter((w) => w.startsWith('--'));
    const api = JSON.parse(read('../package.json')).scripts.start as string;
    const legacy = JSON.parse(read('../../legacy/package.json')).scripts.start as string;
    const flags = flagsOf(api);
    expect(flags.length).toBeGreaterThan(0);
    expect(flagsOf(legacy)).toEqual(flags);
    const images = [...read('../../../Dockerfile').matchAll(/^CMD (\[.*\])$/gm)].map(
      (m) => JSON.parse(m[1] as string) as string[],
    );
    expect(images).toHaveLength(2);
    for (const command of images) expect(command).toEqual(['node', ...flags, 'dist/main.js']);
    expect(README).toContain(`node ${flags.join(' ')} dist/main.js`);
  });
});
