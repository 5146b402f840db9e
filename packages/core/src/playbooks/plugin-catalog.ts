import { z } from 'zod';
import type { Risk } from '../domain/types.js';

/**
 * A name taken from a log: it must look like a Kubernetes/DNS name so that a
 * value such as `--all` or `../etc` can never be passed where a name belongs.
 */
export const resourceName = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9._-]{0,251}[a-z0-9])?$/, 'must be a lowercase DNS-style name');

/** An identifier an operator configured (a webhook or command name). */
export const configuredName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a configured name');

/** Directories a path taken from a log may point into when no other roots are configured. */
export const DEFAULT_ALLOWED_PATH_ROOTS: readonly string[] = Object.freeze([
  '/var/log',
  '/var/tmp',
  '/tmp',
]);

/**
 * What parameters taken from a log must stay within for one request: the
 * namespace the request's context names (when it names one) and the
 * directories paths may point into.
 */
export interface ParamScope {
  namespace?: string | undefined;
  allowedPathRoots: readonly string[];
}

export const DEFAULT_PARAM_SCOPE: ParamScope = Object.freeze({
  allowedPathRoots: DEFAULT_ALLOWED_PATH_ROOTS,
});

/** A namespace: a resource name, and the request context's namespace when it gives one. */
export function namespaceName(scope: ParamScope) {
  const { namespace } = scope;
  return namespace === undefined
    ? resourceName
    : resourceName.refine((value) => value === namespace, {
        message: `must be the request context's namespace "${namespace}"`,
      });
}

/**
 * A path: absolute, normalised (no `.` or `..` segments, no doubled or
 * trailing slash), made of ordinary file-name characters, and inside one of
 * the allowed roots.
 */
export function safePath(scope: ParamScope) {
  const roots = scope.allowedPathRoots.map((r) => r.replace(/\/+$/, ''));
  return (
    z
      .string()
      .max(1024)
      // No segment may start with a dot, so `.` and `..` cannot appear; nor an
      // empty segment (`//`) or a trailing slash.
      .regex(/^(?:\/[A-Za-z0-9_@+,:=][A-Za-z0-9._@+,:=-]{0,254})+$/, {
        message: 'must be an absolute, normalised path of plain file names (no . or .. segments)',
      })
      .refine((value) => roots.some((root) => value === root || value.startsWith(`${root}/`)), {
        message: `must be inside an allowed root (${roots.join(', ') || 'none configured'})`,
      })
  );
}

/** A value from a log where an argument belongs: its key decides what it must look like. */
function argumentValue(scope: ParamScope) {
  const namespace = namespaceName(scope);
  const path = safePath(scope);
  return (key: string) => (key === 'namespace' ? namespace : key === 'path' ? path : resourceName);
}

export interface OperationSpec {
  name: string;
  description: string;
  risk: Risk;
  /** The parameters' schema as the catalog publishes it (no request scope). */
  params: z.ZodType<Record<string, unknown>>;
  /** The schema for one request: the catalog's, held to that request's scope. */
  scoped(scope: ParamScope): z.ZodType<Record<string, unknown>>;
}

export interface PluginSpec {
  name: string;
  description: string;
  operations: readonly OperationSpec[];
}

/** Scoped schemas kept per operation; past it the oldest is dropped (namespaces come from requests). */
const SCOPED_SCHEMA_CACHE_SIZE = 64;

function operation(
  spec: Omit<OperationSpec, 'params' | 'scoped'>,
  schema: (scope: ParamScope) => z.ZodType<Record<string, unknown>>,
): OperationSpec {
  // Building a zod schema costs far more than using one (it was an eighth of
  // process_log's CPU when built per action): build each scope's once. A
  // scope is plain data, so its key says everything the schema depends on.
  const cache = new Map<string, z.ZodType<Record<string, unknown>>>();
  const scoped = (scope: ParamScope) => {
    const namespace = scope.namespace === undefined ? '*' : `=${scope.namespace}`;
    const key = `${namespace}\u0000${scope.allowedPathRoots.join('\u0000')}`;
    let built = cache.get(key);
    if (built === undefined) {
      built = schema(scope);
      if (cache.size >= SCOPED_SCHEMA_CACHE_SIZE) {
        cache.delete(cache.keys().next().value as string);
      }
      cache.set(key, built);
    }
    return built;
  };
  return { ...spec, params: scoped(DEFAULT_PARAM_SCOPE), scoped };
}

/** Every plugin the agent can plan for, with the schema each operation's parameters must fit. */
export const PLUGIN_CATALOG: readonly PluginSpec[] = [
  {
    name: 'notify',
    description: 'Posts a message to the on-call channel (Slack-compatible incoming webhook).',
    operations: [
      operation(
        { name: 'send', description: 'Tell the on-call channel what was found.', risk: 'low' },
        () =>
          z
            .object({
              text: z.string().min(1).max(3000),
              category: z.string().max(64).optional(),
              service: resourceName.optional(),
            })
            .strict(),
      ),
    ],
  },
  {
    name: 'webhook',
    description: 'POSTs JSON to an operator-configured endpoint (runbook automation, CI dispatch).',
    operations: [
      operation(
        {
          name: 'trigger',
          description: 'Trigger a named runbook with the incident as payload.',
          risk: 'medium',
        },
        (scope) =>
          z
            .object({
              hook: configuredName,
              category: z.string().max(64),
              summary: z.string().max(3000).optional(),
              service: resourceName.optional(),
              namespace: namespaceName(scope).optional(),
            })
            .strict(),
      ),
    ],
  },
  {
    name: 'command',
    description: 'Runs an allowlisted executable with an argv template (never a shell).',
    operations: [
      operation(
        {
          name: 'run',
          description:
            "Run a named, allowlisted command with arguments taken from the incident (`namespace` must be the request context's, `path` inside an allowed root, anything else a DNS-style name).",
          risk: 'high',
        },
        (scope) => {
          const valueFor = argumentValue(scope);
          return z
            .object({
              command: configuredName,
              args: z
                .record(
                  z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be an argument name'),
                  z.string(),
                )
                .superRefine((args, ctx) => {
                  for (const [key, value] of Object.entries(args)) {
                    const parsed = valueFor(key).safeParse(value);
                    if (!parsed.success) {
                      ctx.addIssue({
                        code: 'custom',
                        path: [key],
                        message: parsed.error.issues[0]?.message ?? 'invalid value',
                      });
                    }
                  }
                }),
            })
            .strict();
        },
      ),
    ],
  },
];

export function findOperation(plugin: string, operation: string): OperationSpec | undefined {
  return PLUGIN_CATALOG.find((p) => p.name === plugin)?.operations.find(
    (o) => o.name === operation,
  );
}

export function findPlugin(plugin: string): PluginSpec | undefined {
  return PLUGIN_CATALOG.find((p) => p.name === plugin);
}

export function pluginNames(): string[] {
  return PLUGIN_CATALOG.map((p) => p.name);
}

/**
 * Parses parameters with their operation's schema held to a scope (the
 * catalog's own by default): the parsed values, or the reason they do not
 * fit. The planner and every actuator check through it.
 */
export function parseParams(
  plugin: string,
  operation: string,
  params: Record<string, unknown>,
  scope: ParamScope = DEFAULT_PARAM_SCOPE,
): { ok: true; data: Record<string, unknown> } | { ok: false; error: string } {
  const spec = findOperation(plugin, operation);
  if (!spec) return { ok: false, error: `unknown operation ${plugin}.${operation}` };
  const parsed = spec.scoped(scope).safeParse(params);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  return { ok: false, error: `parameter ${where} rejected: ${issue?.message ?? 'invalid'}` };
}

/** The reason parameters do not fit their operation's schema held to a request's scope, or null. */
export function checkParams(
  plugin: string,
  operation: string,
  params: Record<string, unknown>,
  scope: ParamScope,
): string | null {
  const parsed = parseParams(plugin, operation, params, scope);
  return parsed.ok ? null : parsed.error;
}
