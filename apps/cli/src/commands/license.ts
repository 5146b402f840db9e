import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLicenseChecker, generateLicenseKeyPair, issueLicense } from '@agent/auth';
import { describeError } from '@agent/core';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from '../cli-io.js';
import { licenseFromEnvironment } from '../env.js';

// devops-agent license keygen [--out DIR]
// devops-agent license issue --subject SUB (--expires DATE | --days N) [--not-before DATE]
//                            [--feature NAME]... [--form jwt|hmac] [--private-key-file FILE]
// devops-agent license verify [LICENSE|-] [--public-key-file FILE]
//
// For operators. Signing material is read from files or the environment
// (LICENSE_SIGNING_SECRET, LICENSE_PUBLIC_KEY, LICENSE_KEY), never from an
// argument, so it does not show in the process list or the shell history.
// `issue` prints the licence alone on stdout (pipe it where it goes);
// `verify` prints the licence status as JSON and exits 1 unless it is valid.

export const LICENSE_USAGE =
  'usage: devops-agent license keygen [--out DIR] | issue --subject SUB (--expires DATE|--days N) [--not-before DATE] [--feature NAME]... [--form jwt|hmac] [--private-key-file FILE] | verify [LICENSE|-] [--public-key-file FILE]';

const PUBLIC_KEY_FILE = 'license-public.pem';
const PRIVATE_KEY_FILE = 'license-private.pem';
const DAY_MS = 86_400_000;

export async function runLicense(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === '--help' || sub === '-h' || sub === 'help' || rest.includes('--help')) {
      io.stdout.write(`${LICENSE_USAGE}\n`);
      return EXIT_OK;
    }
    if (sub === 'keygen') return await keygen(rest, io);
    if (sub === 'issue') return await issue(rest, io);
    if (sub === 'verify') return await verify(rest, io);
    throw new UsageError(
      sub === undefined
        ? 'license: a subcommand is required (keygen, issue or verify)'
        : `license: unknown subcommand "${sub}"`,
    );
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n${LICENSE_USAGE}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`license ${sub}: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }
}

async function keygen(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('keygen', argv, { out: { type: 'string' } });
  if (positionals.length > 0)
    throw new UsageError(`license keygen: unexpected argument "${positionals[0]}"`);
  const pair = await generateLicenseKeyPair();
  const out = values.out as string | undefined;
  if (out === undefined) {
    io.stdout.write(`${pair.publicKey.trim()}\n${pair.privateKey.trim()}\n`);
    return EXIT_OK;
  }
  if (out.trim() === '') throw new UsageError('license keygen: --out needs a directory');
  // The store's mkdir -p: Node's own spins forever under /proc.
  const { makeDirectories } = await import('@agent/knowledge');
  makeDirectories(out);
  const privatePath = join(out, PRIVATE_KEY_FILE);
  // flag wx: never overwrite a private key that may have signed licences already.
  await writeFile(privatePath, pair.privateKey, { mode: 0o600, flag: 'wx' });
  await chmod(privatePath, 0o600);
  const publicPath = join(out, PUBLIC_KEY_FILE);
  await writeFile(publicPath, pair.publicKey, { flag: 'wx' });
  io.stdout.write(
    `${publicPath}: public key (set LICENSE_PUBLIC_KEY to its content on every deployment)\n` +
      `${privatePath}: private key (keep it with whoever issues licences; never deploy it)\n`,
  );
  return EXIT_OK;
}

async function issue(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('issue', argv, {
    subject: { type: 'string' },
    expires: { type: 'string' },
    days: { type: 'string' },
    'not-before': { type: 'string' },
    feature: { type: 'string', multiple: true },
    form: { type: 'string' },
    'private-key-file': { type: 'string' },
  });
  if (positionals.length > 0)
    throw new UsageError(`license issue: unexpected argument "${positionals[0]}"`);
  const subject = values.subject as string | undefined;
  if (subject === undefined || subject.trim() === '') {
    throw new UsageError('license issue: --subject is required (who the licence is for)');
  }
  const expiresText = values.expires as string | undefined;
  const daysText = values.days as string | undefined;
  if ((expiresText === undefined) === (daysText === undefined)) {
    throw new UsageError('license issue: give exactly one of --expires DATE or --days N');
  }
  let expiresAt: Date;
  if (daysText !== undefined) {
    if (!/^[1-9][0-9]{0,4}$/.test(daysText)) {
      throw new UsageError(
        `license issue: --days must be a whole number from 1 to 99999 (got "${daysText}")`,
      );
    }
    expiresAt = new Date(Date.now() + Number(daysText) * DAY_MS);
  } else {
    expiresAt = parseDate('--expires', expiresText ?? '');
    if (expiresAt.getTime() <= Date.now()) {
      throw new UsageError(`license issue: --expires is in the past (${expiresAt.toISOString()})`);
    }
  }
  const notBeforeText = values['not-before'] as string | undefined;
  const notBefore =
    notBeforeText === undefined ? undefined : parseDate('--not-before', notBeforeText);
  const form = (values.form as string | undefined) ?? 'jwt';
  if (form !== 'jwt' && form !== 'hmac') {
    throw new UsageError(`license issue: --form must be jwt or hmac (got "${form}")`);
  }
  const features = (values.feature as string[] | undefined) ?? [];
  if (features.some((f) => f.trim() === ''))
    throw new UsageError('license issue: --feature needs a name');

  const keyFile = values['private-key-file'] as string | undefined;
  const privateKey = keyFile === undefined ? null : await readFile(keyFile, 'utf8');
  const signingSecret = privateKey === null ? licenseFromEnvironment().signingSecret : null;
  if (privateKey === null && !signingSecret) {
    throw new UsageError(
      'license issue: set LICENSE_SIGNING_SECRET (HS256 or HMAC form) or give --private-key-file (EdDSA)',
    );
  }
  const licence = await issueLicense({
    subject,
    expiresAt,
    ...(notBefore ? { notBefore } : {}),
    features,
    form,
    signingSecret,
    privateKey,
  });
  io.stdout.write(`${licence}\n`);
  return EXIT_OK;
}

async function verify(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('verify', argv, { 'public-key-file': { type: 'string' } });
  if (positionals.length > 1)
    throw new UsageError(`license verify: one LICENSE expected, got ${positionals.length}`);
  const env = licenseFromEnvironment();
  let licence: string | null;
  if (positionals[0] === '-') licence = (await readAll(io.stdin)).trim();
  else licence = positionals[0] ?? env.key;
  if (!licence) {
    throw new UsageError(
      'license verify: give the licence as an argument, - for standard input, or set LICENSE_KEY',
    );
  }
  const keyFile = values['public-key-file'] as string | undefined;
  const publicKey = keyFile === undefined ? env.publicKey : await readFile(keyFile, 'utf8');
  const status = await createLicenseChecker({
    required: true,
    key: licence,
    signingSecret: env.signingSecret,
    publicKey,
  }).status();
  io.stdout.write(
    `${JSON.stringify({
      valid: status.valid,
      subject: status.subject,
      expires_at: status.expiresAt,
      features: status.features,
      reason: status.reason,
    })}\n`,
  );
  return status.valid ? EXIT_OK : EXIT_FAILURE;
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function parse(
  sub: string,
  argv: readonly string[],
  options: Options,
): {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
} {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`license ${sub}: ${describeError(error)}`);
  }
}

function parseDate(flag: string, text: string): Date {
  // A date (2027-01-31, midnight UTC) or a full ISO-8601 time.
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (text.trim() === '' || !Number.isFinite(date.getTime())) {
    throw new UsageError(
      `license issue: ${flag} must be a date such as 2027-01-31 (got "${text}")`,
    );
  }
  return date;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    if (chunks.reduce((n, c) => n + c.length, 0) > 64 * 1024) {
      throw new UsageError('license verify: the licence on standard input is over 64 KiB');
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
