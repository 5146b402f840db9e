import { readFileSync } from 'node:fs';
import { configuredName, type PolicyRules, PolicyRulesSchema } from '@agent/core';
import { z } from 'zod';

/** A header value read from the secret store at execution time (never written in the file). */
export const SecretRefSchema = z
  .object({
    secret: z.string().min(1).max(256),
    /** Put before the secret, e.g. `Bearer `. */
    prefix: z.string().max(64).default(''),
  })
  .strict();
export type SecretRef = z.output<typeof SecretRefSchema>;

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'must be a header name');
const HeaderValueSchema = z.union([z.string().max(2048), SecretRefSchema]);
const timeoutMs = z.number().int().min(1).max(600_000);

/** `example.com` (that host) or `*.example.com` (its subdomains). */
const hostPattern = z
  .string()
  .regex(
    /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'must be a lowercase host name, optionally starting with *.',
  );

const absolutePath = z.string().regex(/^\/[^\0]*$/, 'must be an absolute path');

const WebhookHookSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    headers: z.record(headerName, HeaderValueSchema).default({}),
    timeout_ms: timeoutMs.optional(),
    retries: z.number().int().min(0).max(5).optional(),
  })
  .strict();

const CommandSchema = z
  .object({
    /** Absolute path; must also be on `allowed_executables`. */
    executable: absolutePath,
    /** One element per argument, never split or given to a shell; `{{name}}` takes an action argument whole. */
    argv: z.array(z.string().max(1024)).max(64).default([]),
    /** Environment of the process (nothing else is inherited but PATH). */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), HeaderValueSchema).default({}),
    timeout_ms: timeoutMs.optional(),
    description: z.string().max(200).optional(),
  })
  .strict();

/** What the actuators may do; both allowlists are empty by default, so nothing can run. */
export const ActuatorSettingsSchema = z
  .object({
    webhook: z
      .object({
        allowed_hosts: z.array(hostPattern).default([]),
        hooks: z.record(configuredName, WebhookHookSchema).default({}),
        timeout_ms: timeoutMs.default(5000),
        retries: z.number().int().min(0).max(5).default(2),
      })
      .strict()
      .prefault({}),
    command: z
      .object({
        allowed_executables: z.array(absolutePath).default([]),
        commands: z.record(configuredName, CommandSchema).default({}),
        timeout_ms: timeoutMs.default(30_000),
        max_output_bytes: z.number().int().min(256).max(10_485_760).default(65_536),
      })
      .strict()
      .prefault({}),
    notify: z
      .object({
        timeout_ms: timeoutMs.default(5000),
        retries: z.number().int().min(0).max(5).default(2),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});
export type ActuatorSettings = z.output<typeof ActuatorSettingsSchema>;
export type WebhookSettings = ActuatorSettings['webhook'];
export type CommandSettings = ActuatorSettings['command'];
export type NotifySettings = ActuatorSettings['notify'];

/** A policy file: the built-in engine's rules, and the actuators' settings and allowlists. */
export const PolicyFileSchema = PolicyRulesSchema.extend({
  $schema: z.string().optional(),
  description: z.string().optional(),
  actuators: ActuatorSettingsSchema,
}).strict();

export interface PolicyDocument {
  rules: PolicyRules;
  actuators: ActuatorSettings;
  /** Where it was read from; null for the built-in defaults. */
  source: string | null;
}

export class PolicyFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyFileError';
  }
}

/** Parses a policy document (JSON text). Throws `PolicyFileError` naming the field. */
export function parsePolicyDocument(text: string, source: string): PolicyDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyFileError(
      `policy file ${source}: not valid JSON (${(error as Error).message}); only JSON policy files are supported`,
      { cause: error },
    );
  }
  const parsed = PolicyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new PolicyFileError(`policy file ${source}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const { actuators, $schema: _schema, description: _description, ...rules } = parsed.data;
  return { rules: PolicyRulesSchema.parse(rules), actuators, source };
}

/** The built-in defaults: what runs when `POLICY_FILE` is unset (no actuator allowlisted). */
export function defaultPolicyDocument(): PolicyDocument {
  return { ...parsePolicyDocument('{}', 'built-in defaults'), source: null };
}

/** Reads and validates `POLICY_FILE`. Throws `PolicyFileError` (unreadable, not JSON, invalid field). */
export function loadPolicyFile(path: string): PolicyDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new PolicyFileError(`policy file ${path}: cannot be read${code ? ` (${code})` : ''}`, {
      cause: error,
    });
  }
  return { ...parsePolicyDocument(text, path), source: path };
}
