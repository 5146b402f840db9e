import type { Category } from '../domain/categories.js';
import type { Risk } from '../domain/types.js';
import { PLAYBOOKS } from '../playbooks/playbooks.js';
import {
  checkParams,
  DEFAULT_PARAM_SCOPE,
  findOperation,
  type ParamScope,
} from '../playbooks/plugin-catalog.js';
import type { VoteTally } from '../ports/knowledge-store.js';
import type { Entities } from '../signals/extract-entities.js';
import { wilsonLowerBound } from '../util/wilson.js';

export interface PlannedStep {
  plugin: string;
  operation: string;
  params: Record<string, unknown>;
  risk: Risk;
  description: string;
  /** Why the step cannot run whatever policy says (missing entity, params that fail their schema). */
  invalid: string | null;
  /** What it acts on (`plugin.operation@namespace/workload`): the blast-radius key. */
  target: string;
}

export interface PlanInput {
  category: Category;
  entities: Entities & { path?: string | undefined };
  summary: string;
  votes: readonly VoteTally[];
  /** What log-derived parameters must stay within (context namespace, allowed path roots). */
  scope?: ParamScope | undefined;
}

/** The playbook of the category, parameters filled from the log's entities, ranked by votes. */
export function planActions(input: PlanInput): PlannedStep[] {
  const values: Record<string, string> = {
    category: input.category,
    summary: input.summary,
  };
  for (const [key, value] of Object.entries(input.entities)) {
    if (value !== undefined) values[key] = String(value);
  }
  const scope = input.scope ?? DEFAULT_PARAM_SCOPE;
  const { namespace, service, pod, host } = input.entities;
  const workload = `${namespace ?? '-'}/${service ?? pod ?? host ?? '-'}`;

  const steps = (PLAYBOOKS[input.category] ?? []).map((step, order) => {
    const missing = new Set<string>();
    const params = fill(step.params, values, missing) as Record<string, unknown>;
    const spec = findOperation(step.plugin, step.operation);
    let invalid: string | null = null;
    if (!spec) invalid = `unknown operation ${step.plugin}.${step.operation}`;
    else if (missing.size > 0)
      invalid = `no ${[...missing].join(', ')} found in the log or context`;
    else invalid = checkParams(step.plugin, step.operation, params, scope);
    return {
      order,
      step: {
        plugin: step.plugin,
        operation: step.operation,
        params,
        risk: step.risk ?? spec?.risk ?? 'high',
        description: step.description,
        invalid,
        target: `${step.plugin}.${step.operation}@${workload}`,
      },
    };
  });

  // Notify stays first (it is the safe, always-useful step); the rest follow
  // the plugins' score, a Wilson lower bound over votes and reported outcomes
  // (a success counts as an up-vote, a failure as a down-vote), so one vote
  // cannot flip it.
  const score = (plugin: string) => {
    const tallies = input.votes.filter((v) => v.plugin === plugin);
    const up = tallies.reduce((n, t) => n + t.up + (t.successes ?? 0), 0);
    const down = tallies.reduce((n, t) => n + t.down + (t.failures ?? 0), 0);
    return wilsonLowerBound(up, down);
  };
  return steps
    .sort((a, b) => {
      if (a.step.plugin === 'notify' || b.step.plugin === 'notify') {
        return a.step.plugin === 'notify' ? -1 : b.step.plugin === 'notify' ? 1 : 0;
      }
      return score(b.step.plugin) - score(a.step.plugin) || a.order - b.order;
    })
    .map((s) => s.step);
}

/** Longest placeholder name, as in `{{name}}`. */
const MAX_NAME = 32;

function fill(value: unknown, values: Record<string, string>, missing: Set<string>): unknown {
  if (typeof value === 'string') {
    // Most strings of a playbook hold no placeholder: nothing to match.
    if (!value.includes('{{')) return value;
    const optional = optionalName(value);
    if (optional !== null) return values[optional];
    return substitute(value, values, missing);
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, values, missing));
  if (value && typeof value === 'object') {
    // An optional placeholder with no value leaves its key out. Built in
    // place, not through entries/fromEntries: planning runs on every request.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const filled = fill((value as Record<string, unknown>)[key], values, missing);
      if (filled !== undefined) out[key] = filled;
    }
    return out;
  }
  return value;
}

/**
 * Replaces each `{{name}}` (1 to MAX_NAME word characters) with its value,
 * noting names without one in `missing` (they become ''): what a global
 * replace with a callback did, without its per-call cost on every request.
 * Like that regex, a failed match at a `{{` retries one character on.
 */
function substitute(value: string, values: Record<string, string>, missing: Set<string>): string {
  let out = '';
  let copied = 0;
  let open = value.indexOf('{{');
  while (open >= 0) {
    let end = open + 2;
    while (end - open - 2 <= MAX_NAME && end < value.length && isWordCode(value.charCodeAt(end))) {
      end++;
    }
    const length = end - open - 2;
    if (
      length >= 1 &&
      length <= MAX_NAME &&
      value.charCodeAt(end) === 125 &&
      value.charCodeAt(end + 1) === 125
    ) {
      const key = value.slice(open + 2, end);
      const v = values[key];
      if (v === undefined) missing.add(key);
      out += value.slice(copied, open) + (v ?? '');
      copied = end + 2;
      open = value.indexOf('{{', copied);
    } else open = value.indexOf('{{', open + 1);
  }
  return copied === 0 ? value : out + value.slice(copied);
}

/** The name of a string that is exactly `{{name?}}` (an optional placeholder), else null. */
function optionalName(value: string): string | null {
  const end = value.length - 3;
  if (end - 2 < 1 || end - 2 > MAX_NAME || !value.startsWith('{{') || !value.endsWith('?}}')) {
    return null;
  }
  for (let i = 2; i < end; i++) if (!isWordCode(value.charCodeAt(i))) return null;
  return value.slice(2, end);
}

/** \w: a letter, a digit or _. */
function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
