import { z } from 'zod';
import { echoValue } from './redact.js';
import type { Parser, Problem } from './value-parsers.js';

/** What the docs, the README table and the public view know about one variable. */
export interface VariableMeta {
  /** The default as the docs show it: `5000`, `` `info` ``, `unset`, `derived`. */
  readonly default: string;
  readonly description: string;
  /**
   * A secret is never echoed in an error and never shown by `publicConfig`,
   * which reports only whether it is set (or, for lists, how many entries).
   */
  readonly secret: boolean;
}

/**
 * Metadata is attached to each variable's schema in a registry of our own
 * (not zod's global one, which other packages share), so the list of
 * variables, the docs table and the public view all come from the schema.
 */
export const variableRegistry = z.registry<VariableMeta>();

interface VariableSpec<T> {
  readonly parse: Parser<T>;
  readonly description: string;
  readonly secret?: boolean;
  /** Overrides the default shown in the docs (otherwise derived from `fallback`). */
  readonly shownDefault?: string;
}

type EnvValue = z.ZodType<unknown, string | undefined>;

function documentedDefault(fallback: unknown): string {
  if (fallback === undefined) return 'unset';
  return typeof fallback === 'number' ? String(fallback) : `\`${String(fallback)}\``;
}

function describeProblem(problem: Problem, raw: string, secret: boolean): string {
  let subject: string;
  if (problem.entry) {
    subject = secret
      ? `entry ${problem.entry.index}`
      : `entry ${problem.entry.index} ${echoValue(problem.entry.text)}`;
  } else {
    subject = secret ? 'the value (secret, not shown)' : echoValue(raw);
  }
  return `${subject} ${problem.problem} (expected ${problem.expected})`;
}

/**
 * One environment variable: an optional string in, a typed value out. An
 * empty or blank value counts as unset, so `FOO=` in a .env file falls back
 * to the default. Surrounding whitespace is never meaningful in these
 * values, so it is trimmed before parsing.
 */
export function variable<T>(
  spec: VariableSpec<T> & { readonly fallback: T },
): z.ZodType<T, string | undefined>;
export function variable<T>(spec: VariableSpec<T>): z.ZodType<T | null, string | undefined>;
export function variable<T>(spec: VariableSpec<T> & { readonly fallback?: T }): EnvValue {
  const secret = spec.secret ?? false;
  const schema = z
    .string()
    .optional()
    .transform((input, ctx) => {
      const raw = input?.trim() ?? '';
      if (raw === '') return spec.fallback ?? null;
      const result = spec.parse(raw);
      if (result.ok) return result.value;
      for (const problem of result.problems) {
        ctx.addIssue({ code: 'custom', message: describeProblem(problem, raw, secret) });
      }
      return z.NEVER;
    });
  return schema.register(variableRegistry, {
    default: spec.shownDefault ?? documentedDefault(spec.fallback),
    description: spec.description,
    secret,
  });
}
