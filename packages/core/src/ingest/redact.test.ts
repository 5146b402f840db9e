import { describe, expect, it } from 'vitest';
import { REDACTED, redactEverywhere, redactSecrets } from './redact.js';

// Fixtures are shaped like real log lines; every secret in them is made up
// (AWS's documented example keys, dummy PEM bodies).

const RSA_BODY = [
  'MIIEowIBAAKCAQEAx7Yp3bF0nq9E1xGm6n4kGk3hZk2oQx4Jd9c8bDq1q3b0rXk7',
  'Qe3rJ2xV0bq9l5nK8wz1Xq3mR7tY2uP4vN6oL8kJ1hG5fD3sA2zX9cV7bN4mQ1w',
  'E8rT6yU3iO5pA7sD9fG2hJ4kL6zX8cV1bN3mQ5wE7rT9yU2iO4pA6sD8fG1hJ3k',
];

const CASES: readonly { name: string; input: string; secrets: string[]; keeps: string[] }[] = [
  {
    name: 'password in a database URL',
    input: 'ERROR connect ECONNREFUSED postgres://app:hunter2@db.internal:5432/orders',
    secrets: ['hunter2'],
    keeps: ['postgres://app:[REDACTED]@db.internal:5432/orders', 'ECONNREFUSED'],
  },
  {
    name: 'password in a Redis URL without a user',
    input: 'redis: dial redis://:s3cr3tRedisPass@cache:6379/0 failed: i/o timeout',
    secrets: ['s3cr3tRedisPass'],
    keeps: ['redis://:[REDACTED]@cache:6379/0', 'i/o timeout'],
  },
  {
    name: 'key=value and key: value pairs',
    input:
      'db_password=Tr0ub4dor&3 retry=3 api_key: 9f8e7d6c5b4a client_secret=abc.DEF-123 PGPASSWORD=pg-pass-1',
    secrets: ['Tr0ub4dor', '9f8e7d6c5b4a', 'abc.DEF-123', 'pg-pass-1'],
    keeps: ['db_password=[REDACTED]', 'retry=3', 'api_key: [REDACTED]', 'PGPASSWORD=[REDACTED]'],
  },
  {
    name: 'quoted values with spaces, in JSON and in config text',
    input:
      '{"level":"error","msg":"auth failed","password":"correct horse battery staple","user":"svc"} smtp_password=\'my mail pass\'',
    secrets: ['correct horse', 'battery staple', 'my mail pass'],
    keeps: ['"password":"[REDACTED]"', '"user":"svc"', "smtp_password='[REDACTED]'"],
  },
  {
    name: 'bearer token in a header dump',
    input:
      'DEBUG outgoing request GET /v1/orders headers={Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543}',
    secrets: ['8f14e45fceea167a5a36dedd4bea2543'],
    keeps: ['Authorization: Bearer [REDACTED]', 'GET /v1/orders'],
  },
  {
    name: 'basic-auth header',
    input: 'proxy: upstream 401, sent "authorization: Basic dXNlcjpwYXNzd29yZA==" to 10.0.0.5',
    secrets: ['dXNlcjpwYXNzd29yZA=='],
    keeps: ['authorization: Basic [REDACTED]', 'upstream 401'],
  },
  {
    name: 'basic credentials outside a header, while the words "Basic authentication" stay',
    input: 'curl -H Basic dXNlcjpwYXNz failed; Basic authentication failed for user bob',
    secrets: ['dXNlcjpwYXNz'],
    keeps: ['Basic authentication failed for user bob'],
  },
  {
    name: 'JSON Web Token',
    input:
      'WARN token rejected: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired',
    secrets: [
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
      'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ],
    keeps: ['token rejected: [REDACTED] expired'],
  },
  {
    name: 'AWS access key id and secret access key',
    input:
      'botocore: using AKIAIOSFODNN7EXAMPLE; AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY aws_session_token = FwoGZXIvYXdzEBYaDExampleSessionToken',
    secrets: [
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'FwoGZXIvYXdzEBYaDExampleSessionToken',
    ],
    keeps: ['AWS_SECRET_ACCESS_KEY=[REDACTED]', 'aws_session_token = [REDACTED]'],
  },
  {
    name: 'Google API key and OAuth token',
    input:
      'maps: 403 for key AIzaSyD-1234567890abcdefghijklmnopqrstu; gcloud token ya29.a0AfH6SMBexampleexampleexample123',
    secrets: ['AIzaSyD-1234567890abcdefghijklmnopqrstu', 'ya29.a0AfH6SMBexampleexampleexample123'],
    keeps: ['maps: 403 for key [REDACTED]'],
  },
  {
    name: 'Azure storage connection string and SAS signature',
    input:
      'DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net GET https://acme.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbCdEf%2Bgh1234567890%3D&se=2026',
    secrets: ['Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq', 'AbCdEf%2Bgh'],
    keeps: [
      'AccountName=acmelogs',
      'AccountKey=[REDACTED];EndpointSuffix',
      '&sig=[REDACTED]&se=2026',
    ],
  },
  {
    name: 'GitHub and Slack tokens, Slack webhook',
    input:
      'git clone failed with ghp_1234567890abcdefghijklmnopqrstuvwxyzAB; slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx post https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    secrets: [
      'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB',
      'xoxb-123456789012',
      'XXXXXXXXXXXXXXXXXXXXXXXX',
    ],
    keeps: ['git clone failed with [REDACTED]', 'https://hooks.slack.com/services/[REDACTED]'],
  },
];

describe('redactSecrets', () => {
  for (const c of CASES) {
    it(`redacts ${c.name}`, () => {
      const out = redactSecrets(c.input);
      for (const secret of c.secrets) expect(out).not.toContain(secret);
      for (const kept of c.keeps) expect(out).toContain(kept);
      // Redacting twice changes nothing more.
      expect(redactSecrets(out)).toBe(out);
    });
  }

  it('redacts a private key block, keeping its BEGIN and END lines (without the key type) and the line count', () => {
    const log = [
      '2026-11-26T10:00:00Z ERROR tls: failed to load key',
      '-----BEGIN RSA PRIVATE KEY-----',
      ...RSA_BODY,
      '-----END RSA PRIVATE KEY-----',
      '2026-11-26T10:00:01Z ERROR x509: certificate signed by unknown authority',
    ].join('\n');
    const out = redactSecrets(log);
    for (const line of RSA_BODY) expect(out).not.toContain(line);
    expect(out.split('\n')).toHaveLength(log.split('\n').length);
    expect(out).toContain('-----BEGIN PRIVATE KEY-----\n[REDACTED]\n');
    expect(out).toContain('\n-----END PRIVATE KEY-----\n');
    expect(out.split('\n')[6]).toBe(
      '2026-11-26T10:00:01Z ERROR x509: certificate signed by unknown authority',
    );
  });

  it('redacts a private key inside a JSON service account file (escaped line breaks)', () => {
    const json = `{"type":"service_account","private_key_id":"abc","private_key":"-----BEGIN PRIVATE KEY-----\\n${RSA_BODY.join('\\n')}\\n-----END PRIVATE KEY-----\\n","client_email":"x@p.iam.gserviceaccount.com"}`;
    const out = redactSecrets(json);
    for (const line of RSA_BODY) expect(out).not.toContain(line);
    expect(out).toContain('"client_email":"x@p.iam.gserviceaccount.com"');
  });

  it('redacts the body of a truncated key block that never ends', () => {
    const log = ['-----BEGIN OPENSSH PRIVATE KEY-----', ...RSA_BODY, ''].join('\n');
    const out = redactSecrets(log);
    for (const line of RSA_BODY) expect(out).not.toContain(line);
    expect(out.split('\n')).toHaveLength(log.split('\n').length);
  });

  it('keeps ordinary log text as it is', () => {
    const log = [
      '2026-11-26T10:00:00Z INFO GET /api/orders?page=2 200 12ms',
      'Nov 26 09:14:02 web-3 checkout[2211]: dial tcp: lookup orders.internal on 10.96.0.10:53: no such host',
      'java.lang.OutOfMemoryError: Java heap space',
      'token bucket refilled: tokens=5 max_tokens=10',
      'Basic Auth is disabled; Bearer tokens only',
    ].join('\n');
    expect(redactSecrets(log)).toBe(log);
  });

  it('leaves no secret in a line that has one of every kind', () => {
    const line = CASES.map((c) => c.input).join(' | ');
    const out = redactSecrets(line);
    for (const c of CASES) for (const secret of c.secrets) expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  // redactSecrets runs the rules only around trigger words; it must give what
  // running them over the whole text gives, line breaks inside a match included.
  it('redacts random text exactly as the rules over the whole text do', () => {
    const parts = [
      ...CASES.map((c) => c.input),
      'password',
      'passphrase',
      'db_pwd',
      'client_secret',
      'secretoken',
      'asiauthorization',
      'api-key',
      'Credentials',
      'token',
      'Authorization',
      'proxy-authorization',
      'Bearer',
      'basic',
      'Basic',
      'AWS4-HMAC-SHA256',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghij',
      'AKIAIOSFODNN7EXAMPLE',
      'ghp_1234567890abcdefghij',
      'sk_live_1234567890abcdef',
      'https://u:p@h',
      'redis://:pw@h',
      '?sig=abc',
      '&SIG=x',
      '[REDACTED]',
      'dXNlcjpwYXNzd29yZA==',
      'hunter2',
      'value with spaces',
      'x',
      '\u0130 ',
      'K',
      'PASSWORD',
      'INFO',
      '12345',
      '=',
      ':',
      ': ',
      '"',
      "'",
      ' ',
      '   ',
      '\t',
      '\n',
      '\n\n',
      ' \n ',
      ';',
      ',',
      '@',
      '/',
    ];
    let state = 5;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    for (let round = 0; round < 3000; round++) {
      let text = '';
      const n = 1 + next(40);
      for (let i = 0; i < n; i++) {
        text += parts[next(parts.length)];
        // Long ordinary lines between, so regions start and end in many places.
        if (next(6) === 0) text += `\n${'plain log text 42 '.repeat(next(8))}\n`;
      }
      expect(redactSecrets(text)).toBe(redactEverywhere(text));
    }
  });

  it('skips text without a trigger word and keeps the lines around a secret', () => {
    const plain = 'GET /api/orders 200 12ms\n'.repeat(1000);
    expect(redactSecrets(plain)).toBe(plain);
    const log = `${plain}Authorization:\n  Bearer abcdefgh12345678\n${plain}password =\n"x y"\n${plain}`;
    expect(redactSecrets(log)).toBe(redactEverywhere(log));
    expect(redactSecrets(log)).not.toContain('abcdefgh12345678');
  });

  // Adversarial inputs: near misses repeated until the text is large. A
  // super-linear pattern would hang here; the suite timeout is the guard.
  it.each([
    ['BEGIN lines that never end', '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(30_000)],
    [
      'BEGIN lines with one END far away',
      `${'-----BEGIN PRIVATE KEY-----'.repeat(20_000)}-----END `,
    ],
    ['URL schemes without a host', 'a://'.repeat(200_000)],
    ['user:pass without an @', 'postgres://user:pass'.repeat(40_000)],
    ['secret names without a value', 'password password_ api_key secret '.repeat(30_000)],
    ['secret names with separators', 'password=:=:'.repeat(60_000)],
    ['Bearer without a token', 'Bearer     '.repeat(80_000)],
    ['Basic followed by letters only', `Basic ${'a'.repeat(500_000)}`],
    ['JWT prefixes without dots', 'eyJ'.repeat(300_000)],
    ['JWT with many dots', `eyJ${'aaaaa.'.repeat(150_000)}`],
    ['AWS prefixes', 'AKIA'.repeat(200_000)],
    ['token prefixes', 'ghp_'.repeat(200_000)],
    ['quoted value never closed', `password="${'x'.repeat(900_000)}`],
    ['authorization without a value', 'Authorization: '.repeat(60_000)],
    ['one long word', 'x'.repeat(1_000_000)],
    ['trigger words on every line', 'key token pass\n'.repeat(60_000)],
    ['trigger words without line breaks', 'keytokenpass'.repeat(80_000)],
  ])('stays linear on %s', (_name, input) => {
    const out = redactSecrets(input);
    expect(typeof out).toBe('string');
    expect(out.split('\n').length).toBe(input.split('\n').length);
  });
});
