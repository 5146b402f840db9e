import { AgentError } from '@agent/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { issueLicense } from '../../license/issue-license.js';
import { createLicenseChecker, type LicenseCheckerOptions } from '../../license/license-checker.js';
import { licenseGuard } from './license-guard.js';

const SECRET = 'guard-test-secret';
const NOW = new Date('2026-06-01T00:00:00Z');

function appWith(options: LicenseCheckerOptions): Hono {
  const app = new Hono();
  app.onError((error, c) =>
    error instanceof AgentError && error.code === 'license_invalid'
      ? c.json({ error: { code: error.code, message: error.message } }, 402)
      : c.json({ error: { code: 'internal_error' } }, 500),
  );
  app.use('/api/*', licenseGuard(createLicenseChecker({ now: () => NOW, ...options })));
  app.get('/api/thing', (c) => c.text('ok'));
  app.get('/health', (c) => c.text('up'));
  return app;
}

const licence = (expiresAt: Date) =>
  issueLicense({ subject: 's', expiresAt, features: [], form: 'hmac', signingSecret: SECRET });

describe('licenseGuard', () => {
  it('lets requests through with a valid licence', async () => {
    const key = await licence(new Date('2027-01-01T00:00:00Z'));
    const app = appWith({ required: true, key, signingSecret: SECRET });
    expect((await app.request('/api/thing')).status).toBe(200);
  });

  it('answers license_invalid when required and missing, naming why but not the key', async () => {
    const app = appWith({ required: true });
    const res = await app.request('/api/thing');
    expect(res.status).toBe(402);
    expect(await res.json()).toEqual({
      error: { code: 'license_invalid', message: 'licence required: no licence key' },
    });
    // Routes it does not guard still answer.
    expect((await app.request('/health')).status).toBe(200);
  });

  it('answers license_invalid when required and expired', async () => {
    const key = await licence(new Date('2026-01-01T00:00:00Z'));
    const res = await appWith({ required: true, key, signingSecret: SECRET }).request('/api/thing');
    expect(res.status).toBe(402);
    const text = await res.text();
    expect(text).toContain('licence has expired');
    expect(text).not.toContain(key);
  });

  it('refuses nothing when licensing is not required', async () => {
    expect((await appWith({ required: false }).request('/api/thing')).status).toBe(200);
    const bad = appWith({ required: false, key: 'garbage', signingSecret: SECRET });
    expect((await bad.request('/api/thing')).status).toBe(200);
  });
});
