import { parseConfig } from '@agent/config';
import { createLogger } from '@agent/observability';
import { describe, expect, it } from 'vitest';
import { warnAboutKeys } from './env.js';

function warningsFor(env: Record<string, string>): string[] {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    format: 'json',
    destination: { write: (line) => void lines.push(line) },
  });
  warnAboutKeys(parseConfig(env), logger);
  return lines.map((line) => JSON.parse(line).msg as string);
}

describe('warnAboutKeys', () => {
  it('warns about open mode when API_KEYS is unset', () => {
    expect(warningsFor({})).toEqual([expect.stringMatching(/^open mode: API_KEYS is not set/)]);
  });

  it('names keys short enough to guess by entry and tenant, never by their text', () => {
    const long = 'f3a9c1e07b2d4856a1c3e5f7091b2d4f';
    const warnings = warningsFor({
      API_KEYS: `team-a:${long},team-b:tiny-key,short1`,
      ADMIN_KEYS: `adm1n,${long}x`,
    });
    expect(warnings).toEqual([
      'API_KEYS entry 2 (tenant team-b) is shorter than 16 characters, so it can be guessed; use 32 random ones (openssl rand -hex 16)',
      'API_KEYS entry 3 (tenant default) is shorter than 16 characters, so it can be guessed; use 32 random ones (openssl rand -hex 16)',
      'ADMIN_KEYS entry 1 is shorter than 16 characters, so it can be guessed; use 32 random ones (openssl rand -hex 16)',
    ]);
    expect(warnings.join('\n')).not.toMatch(/tiny-key|short1|adm1n/);
  });

  it('says nothing about keys of 16 characters and more', () => {
    expect(warningsFor({ API_KEYS: 'k'.repeat(16), ADMIN_KEYS: 'a'.repeat(40) })).toEqual([]);
  });
});
