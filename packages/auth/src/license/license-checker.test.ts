import { createHmac } from 'node:crypto';
import { exportJWK, importSPKI, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateLicenseKeyPair, type IssueLicenseOptions, issueLicense } from './issue-license.js';
import {
  createLicenseChecker,
  type LicenseCheckerOptions,
  type LicenseStatus,
} from './license-checker.js';

const SECRET = 'licence-signing-secret-for-tests-0123456789';
const NOW = new Date('2026-06-01T12:00:00Z');
const LATER = new Date('2027-01-01T00:00:00Z');
const EARLIER = new Date('2026-01-01T00:00:00Z');
const pair = await generateLicenseKeyPair();

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function issue(options: Partial<IssueLicenseOptions> = {}): Promise<string> {
  return issueLicense({
    subject: 'acme-corp',
    expiresAt: LATER,
    features: ['auto_remediation'],
    form: 'jwt',
    signingSecret: SECRET,
    now: () => NOW,
    ...options,
  });
}

async function check(key: string | null, options: Partial<LicenseCheckerOptions> = {}) {
  const checker = createLicenseChecker({
    required: true,
    key,
    signingSecret: SECRET,
    publicKey: null,
    now: () => NOW,
    ...options,
  });
  const status = await checker.status();
  // Whatever happens, the status never repeats the licence or the secret.
  if (key) expect(JSON.stringify(status)).not.toContain(key);
  expect(JSON.stringify(status)).not.toContain(SECRET);
  return status;
}

function expectInvalid(status: LicenseStatus, reason: string | RegExp): void {
  expect(status.valid).toBe(false);
  expect(status.features).toEqual([]);
  expect(status.reason).toMatch(reason);
}

describe('JWT licences', () => {
  it('accepts a valid HS256 licence', async () => {
    expect(await check(await issue())).toEqual({
      required: true,
      valid: true,
      expiresAt: '2027-01-01T00:00:00.000Z',
      subject: 'acme-corp',
      features: ['auto_remediation'],
      reason: null,
    });
  });

  it('accepts a valid EdDSA licence with a PEM public key', async () => {
    const licence = await issue({ signingSecret: null, privateKey: pair.privateKey });
    const status = await check(licence, { signingSecret: null, publicKey: pair.publicKey });
    expect(status).toMatchObject({ valid: true, subject: 'acme-corp', reason: null });
  });

  it('accepts a public key given as a JWK, or as PEM with literal \\n', async () => {
    const licence = await issue({ signingSecret: null, privateKey: pair.privateKey });
    const jwk = JSON.stringify(await exportJWK(await importSPKI(pair.publicKey, 'EdDSA')));
    expect((await check(licence, { signingSecret: null, publicKey: jwk })).valid).toBe(true);
    const escaped = pair.publicKey.trim().replaceAll('\n', '\\n');
    expect((await check(licence, { signingSecret: null, publicKey: escaped })).valid).toBe(true);
  });

  it('accepts either algorithm when both a secret and a public key are configured', async () => {
    const both = { signingSecret: SECRET, publicKey: pair.publicKey };
    expect((await check(await issue(), both)).valid).toBe(true);
    const eddsa = await issue({ signingSecret: null, privateKey: pair.privateKey });
    expect((await check(eddsa, both)).valid).toBe(true);
  });

  it('refuses an expired licence but still says when it expired', async () => {
    const status = await check(await issue({ expiresAt: EARLIER }));
    expectInvalid(status, 'licence has expired');
    expect(status.expiresAt).toBe('2026-01-01T00:00:00.000Z');
    expect(status.subject).toBe('acme-corp');
  });

  it('refuses a licence whose nbf is in the future', async () => {
    const status = await check(await issue({ notBefore: new Date('2026-07-01T00:00:00Z') }));
    expectInvalid(status, 'licence is not valid yet (nbf)');
  });

  it('re-checks expiry and nbf against the clock on every call', async () => {
    let now = NOW;
    const key = await issue({
      notBefore: new Date('2026-06-01T12:00:10Z'),
      expiresAt: new Date('2026-06-01T12:01:00Z'),
    });
    const checker = createLicenseChecker({
      required: true,
      key,
      signingSecret: SECRET,
      now: () => now,
    });
    expect((await checker.status()).reason).toBe('licence is not valid yet (nbf)');
    now = new Date('2026-06-01T12:00:10Z');
    expect((await checker.status()).valid).toBe(true);
    expect(await checker.hasFeature('auto_remediation')).toBe(true);
    now = new Date('2026-06-01T12:01:00Z');
    expect((await checker.status()).reason).toBe('licence has expired');
    expect(await checker.hasFeature('auto_remediation')).toBe(false);
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await issue({ features: [] })).split('.');
    const forged = b64({ sub: 'acme-corp', exp: 4102444800, features: ['auto_remediation'] });
    expectInvalid(
      await check(`${header}.${forged}.${signature}`),
      'licence signature does not verify',
    );
  });

  it('refuses a tampered signature', async () => {
    const licence = await issue();
    const flipped = licence.slice(0, -2) + (licence.at(-2) === 'A' ? 'B' : 'A') + licence.at(-1);
    expectInvalid(await check(flipped), 'licence signature does not verify');
  });

  it('refuses alg none', async () => {
    const payload = b64({ sub: 'acme-corp', exp: 4102444800, features: ['auto_remediation'] });
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    expectInvalid(await check(unsigned), /algorithm is not accepted/);
    const withKey = { signingSecret: SECRET, publicKey: pair.publicKey };
    expectInvalid(await check(unsigned, withKey), /algorithm is not accepted/);
  });

  it('refuses an HS256 licence when only a public key is configured', async () => {
    const status = await check(await issue(), { signingSecret: null, publicKey: pair.publicKey });
    expectInvalid(status, 'licence signing algorithm is not accepted (accepted: EdDSA)');
  });

  it('refuses an HS256 licence signed with the public key as its secret (algorithm confusion)', async () => {
    const forged = await new SignJWT({ features: ['auto_remediation'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('attacker')
      .setExpirationTime(LATER)
      .sign(new TextEncoder().encode(pair.publicKey));
    const status = await check(forged, { signingSecret: null, publicKey: pair.publicKey });
    expectInvalid(status, /algorithm is not accepted/);
  });

  it('refuses an EdDSA licence when only a secret is configured', async () => {
    const licence = await issue({ signingSecret: null, privateKey: pair.privateKey });
    expectInvalid(
      await check(licence),
      'licence signing algorithm is not accepted (accepted: HS256)',
    );
  });

  it('refuses an EdDSA licence signed by another key pair', async () => {
    const other = await generateLicenseKeyPair();
    const licence = await issue({ signingSecret: null, privateKey: other.privateKey });
    const status = await check(licence, { signingSecret: null, publicKey: pair.publicKey });
    expectInvalid(status, 'licence signature does not verify');
  });

  it('refuses an HS256 licence signed with another secret', async () => {
    const licence = await issue({ signingSecret: 'some-other-secret' });
    expectInvalid(await check(licence), 'licence signature does not verify');
  });

  it('refuses licences without sub or exp, or with bad features', async () => {
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(SECRET));
    expectInvalid(await check(await sign({ exp: 4102444800 })), 'licence claim sub is missing');
    expectInvalid(
      await check(await sign({ sub: 'a' })),
      'licence claim exp is missing or not a time',
    );
    expectInvalid(
      await check(await sign({ sub: 'a', exp: '4102444800' })),
      'licence claim exp is missing or not a time',
    );
    expectInvalid(
      await check(await sign({ sub: 'a', exp: 4102444800, nbf: 'soon' })),
      'licence claim nbf is not a time',
    );
    expectInvalid(
      await check(await sign({ sub: 'a', exp: 4102444800, features: [1] })),
      'licence claim features is not a list of strings',
    );
    expectInvalid(
      await check(await sign({ sub: 'a', exp: 1e300 })),
      'licence claim exp is missing or not a time',
    );
    expect((await check(await sign({ sub: 'a', exp: 4102444800 }))).features).toEqual([]);
  });

  it('refuses malformed licences', async () => {
    expectInvalid(await check('not-a-licence'), 'licence is malformed');
    expectInvalid(await check('a.b.c.d'), 'licence is malformed');
    expectInvalid(await check('!!.??.**'), 'licence is malformed');
  });

  it('says when nothing is configured to verify with', async () => {
    expectInvalid(
      await check(await issue(), { signingSecret: null }),
      /no signing secret or public key/,
    );
    expectInvalid(
      await check(await issue(), { signingSecret: null, publicKey: 'not a key' }),
      'the licence public key is not an Ed25519 key (PEM or JWK)',
    );
    expectInvalid(
      await check(await issue(), { signingSecret: null, publicKey: '{"kty":"RSA"}' }),
      'the licence public key is not an Ed25519 key (PEM or JWK)',
    );
  });
});

describe('HMAC licences (config.md form)', () => {
  it('is base64url(JSON payload) "." base64url(HMAC-SHA256(secret, first part))', async () => {
    const licence = await issue({ form: 'hmac' });
    const [body, signature] = licence.split('.') as [string, string];
    expect(JSON.parse(Buffer.from(body, 'base64url').toString())).toEqual({
      sub: 'acme-corp',
      exp: LATER.getTime() / 1000,
      features: ['auto_remediation'],
    });
    expect(signature).toBe(createHmac('sha256', SECRET).update(body).digest('base64url'));
  });

  it('accepts a valid one, including one made by hand', async () => {
    expect(await check(await issue({ form: 'hmac' }))).toMatchObject({
      valid: true,
      subject: 'acme-corp',
      features: ['auto_remediation'],
      expiresAt: '2027-01-01T00:00:00.000Z',
    });
    const body = b64({ sub: 'hand-made', exp: 1798761600, features: [] });
    const byHand = `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    expect(await check(byHand)).toMatchObject({ valid: true, subject: 'hand-made' });
  });

  it('refuses a tampered payload or signature', async () => {
    const [, signature] = (await issue({ form: 'hmac', features: [] })).split('.');
    const forged = b64({ sub: 'acme-corp', exp: 4102444800, features: ['auto_remediation'] });
    expectInvalid(await check(`${forged}.${signature}`), 'licence signature does not verify');

    const licence = await issue({ form: 'hmac' });
    const flipped = licence.slice(0, -2) + (licence.at(-2) === 'A' ? 'B' : 'A') + licence.at(-1);
    expectInvalid(await check(flipped), 'licence signature does not verify');
    expectInvalid(await check(`${licence}A`), 'licence signature does not verify');
    expectInvalid(await check(`${licence.slice(0, -1)}=`), 'licence is malformed');
  });

  it('refuses an expired one', async () => {
    expectInvalid(
      await check(await issue({ form: 'hmac', expiresAt: EARLIER })),
      'licence has expired',
    );
  });

  it('needs the signing secret', async () => {
    const licence = await issue({ form: 'hmac' });
    expectInvalid(
      await check(licence, { signingSecret: null, publicKey: pair.publicKey }),
      'an HMAC licence needs a signing secret to verify it',
    );
    expectInvalid(
      await check(licence, { signingSecret: 'wrong' }),
      'licence signature does not verify',
    );
  });

  it('refuses a payload that is not JSON even with a good signature', async () => {
    const body = Buffer.from('not json').toString('base64url');
    const licence = `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    expectInvalid(await check(licence), 'licence payload is not JSON');
  });
});

describe('no licence key', () => {
  it('is invalid, and refused when required', async () => {
    expect(await check(null)).toEqual({
      required: true,
      valid: false,
      expiresAt: null,
      subject: null,
      features: [],
      reason: 'no licence key',
    });
    expect((await check('   ')).reason).toBe('no licence key');
  });

  it('is reported but not required when licensing is off', async () => {
    const checker = createLicenseChecker({ required: false });
    expect(await checker.status()).toMatchObject({
      required: false,
      valid: false,
      reason: 'no licence key',
    });
    expect(await checker.hasFeature('auto_remediation')).toBe(false);
    expect(await checker.allows('auto_remediation')).toBe(true);
  });
});

describe('features', () => {
  it('hasFeature and allows follow a required, valid licence', async () => {
    const checker = createLicenseChecker({
      required: true,
      key: await issue({ features: ['reports'] }),
      signingSecret: SECRET,
      now: () => NOW,
    });
    expect(await checker.hasFeature('reports')).toBe(true);
    expect(await checker.hasFeature('auto_remediation')).toBe(false);
    expect(await checker.allows('reports')).toBe(true);
    expect(await checker.allows('auto_remediation')).toBe(false);
  });
});

describe('issueLicense options', () => {
  it.each<[string, Partial<IssueLicenseOptions>, string]>([
    ['both a secret and a key', { privateKey: pair.privateKey }, 'not both'],
    [
      'a JWT without signing material',
      { signingSecret: null },
      'needs a signing secret (HS256) or',
    ],
    [
      'the HMAC form without a secret',
      { form: 'hmac', signingSecret: null },
      'the HMAC form needs',
    ],
    ['an empty subject', { subject: ' ' }, 'subject is empty'],
    ['an invalid date', { expiresAt: new Date('nope') }, 'expiresAt is not a valid date'],
    ['an invalid nbf', { notBefore: new Date('nope') }, 'notBefore is not a valid date'],
    ['an empty feature', { features: [''] }, 'features must be non-empty strings'],
    ['an unknown form', { form: 'xml' as 'jwt' }, 'form must be jwt or hmac'],
  ])('refuses %s', async (_name, options, message) => {
    await expect(issue(options)).rejects.toThrow(message);
  });

  it('accepts a private key as a JWK', async () => {
    const { importPKCS8 } = await import('jose');
    const privateJwk = await exportJWK(
      await importPKCS8(pair.privateKey, 'EdDSA', { extractable: true }),
    );
    const licence = await issue({ signingSecret: null, privateKey: JSON.stringify(privateJwk) });
    expect((await check(licence, { signingSecret: null, publicKey: pair.publicKey })).valid).toBe(
      true,
    );
    await expect(
      issue({ signingSecret: null, privateKey: JSON.stringify({ ...privateJwk, d: undefined }) }),
    ).rejects.toThrow('no private part');
  });

  it('generates PEM key pairs', () => {
    expect(pair.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pair.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });
});
