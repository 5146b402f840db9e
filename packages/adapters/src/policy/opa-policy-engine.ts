import {
  POLICY_UNAVAILABLE,
  type PolicyDecision,
  type PolicyEngine,
  type PolicyInput,
} from '@agent/core';
import type { KyInstance } from 'ky';
import { z } from 'zod';
import { describeHttpFailure } from '../http/http-errors.js';
import { type DecorateHeaders, outboundHttp } from '../http/outbound-http.js';

export interface OpaPolicyEngineOptions {
  /** `OPA_ENDPOINT`: base URL of OPA, without a trailing slash. */
  endpoint: string;
  /** `OPA_POLICY_PATH`: the decision's data path, e.g. `devops/remediation/decision`. */
  policyPath: string;
  /** `OPA_TIMEOUT_MS`: past it the action is denied (fail closed). */
  timeoutMs: number;
  /** The blast-radius window `input.action.recent_executions` is counted over. */
  blastRadiusWindowSec?: number | undefined;
  /**
   * The policy file's `blast_radius.max_executions`: besides OPA's decision,
   * an execution needs one of these slots per target and window, taken
   * atomically in the store (concurrent requests cannot pass it together).
   * Unset: OPA's decision alone.
   */
  blastRadiusMaxExecutions?: number | undefined;
  decorateHeaders?: DecorateHeaders | undefined;
  fetch?: typeof fetch | undefined;
}

/**
 * The decision document the policy must produce. Anything else (missing
 * `allow`, a string where a boolean belongs, an undefined document) is
 * garbage and denies.
 */
const OpaDecisionSchema = z.object({
  allow: z.boolean(),
  require_approval: z.boolean().default(false),
  reasons: z.array(z.string().max(1000)).max(50).default([]),
});

const OpaResponseSchema = z.object({ result: z.unknown().optional() });

/**
 * Asks Open Policy Agent through its Data API: `POST {endpoint}/v1/data/{path}`
 * with `{"input": ...}`; the result document is `{allow, require_approval,
 * reasons}`. It fails closed: when OPA is unreachable, slower than the
 * timeout or answers anything but that document, the action is denied with
 * `policy engine unavailable` and what went wrong.
 */
export class OpaPolicyEngine implements PolicyEngine {
  readonly name = 'opa';
  readonly blastRadiusWindowSec: number;
  readonly blastRadiusMaxExecutions: number | undefined;
  readonly #url: URL;
  readonly #timeoutMs: number;
  readonly #http: KyInstance;

  constructor(options: OpaPolicyEngineOptions) {
    const path = options.policyPath.replace(/^\/+|\/+$/g, '');
    if (!/^[A-Za-z0-9_]+(?:\/[A-Za-z0-9_]+)*$/.test(path)) {
      throw new Error(`OPA policy path "${options.policyPath}": expected segments like a/b/c`);
    }
    this.#url = new URL(`${options.endpoint.replace(/\/+$/, '')}/v1/data/${path}`);
    this.#timeoutMs = options.timeoutMs;
    this.blastRadiusWindowSec = options.blastRadiusWindowSec ?? 3600;
    this.blastRadiusMaxExecutions = options.blastRadiusMaxExecutions;
    this.#http = outboundHttp({ decorateHeaders: options.decorateHeaders, fetch: options.fetch });
  }

  /** Readiness: OPA's `GET /health` answers 200 once its policies are loaded. Throws otherwise. */
  async check(): Promise<void> {
    const url = new URL('/health', this.#url);
    try {
      await this.#http.get(url, { timeout: this.#timeoutMs, retry: 0, redirect: 'error' });
    } catch (error) {
      throw new Error(`opa: ${await describeHttpFailure(error, url, this.#timeoutMs)}`);
    }
  }

  async decide(input: PolicyInput): Promise<PolicyDecision> {
    let text: string;
    try {
      text = await this.#http
        .post(this.#url, {
          json: { input: toOpaInput(input, this.blastRadiusWindowSec) },
          headers: { accept: 'application/json' },
          timeout: this.#timeoutMs,
          retry: 0,
          redirect: 'error',
        })
        .text();
    } catch (error) {
      return unavailable(`opa: ${await describeHttpFailure(error, this.#url, this.#timeoutMs)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return unavailable(`opa: ${this.#url.host} answered something that is not JSON`);
    }
    const envelope = OpaResponseSchema.safeParse(body);
    if (!envelope.success || envelope.data.result === undefined) {
      return unavailable(`opa: no decision at ${this.#url.pathname} (the document is undefined)`);
    }
    const decision = OpaDecisionSchema.safeParse(envelope.data.result);
    if (!decision.success) {
      const issue = decision.error.issues[0];
      return unavailable(
        `opa: the decision is not {allow, require_approval, reasons} (${issue?.path.join('.') || 'result'}: ${issue?.message ?? 'invalid'})`,
      );
    }
    const { allow, require_approval: requireApproval, reasons } = decision.data;
    if (!allow)
      return { decision: 'denied', reasons: reasons.length ? reasons : ['denied by OPA'] };
    if (requireApproval) {
      return {
        decision: 'approval_required',
        reasons: reasons.length ? reasons : ['OPA requires approval'],
      };
    }
    return { decision: 'allowed', reasons: reasons.length ? reasons : ['allowed by OPA'] };
  }
}

function unavailable(detail: string): PolicyDecision {
  return { decision: 'denied', reasons: [POLICY_UNAVAILABLE, detail] };
}

/** The policy input as OPA sees it: snake_case, as `policies/remediation.rego` reads it. */
export function toOpaInput(input: PolicyInput, windowSec: number) {
  return {
    action: {
      plugin: input.action.plugin,
      operation: input.action.operation,
      params: input.action.params,
      risk: input.action.risk,
      target: input.action.target,
      recent_executions: input.action.recentExecutions,
      window_sec: windowSec,
    },
    incident: {
      category: input.incident.category,
      confidence: input.incident.confidence,
      learned: input.incident.learned,
    },
    context: input.context,
    principal: {
      key_id: input.principal.keyId,
      tenant: input.principal.tenant,
      role: input.principal.role,
    },
    mode: input.mode,
    phase: input.phase,
  };
}
