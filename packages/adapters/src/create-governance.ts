import {
  type Actuator,
  DefaultPolicyEngine,
  type PolicyEngine,
  type SecretStore,
} from '@agent/core';
import { CommandActuator } from './actuators/command-actuator.js';
import { NotifyActuator } from './actuators/notify-actuator.js';
import { WebhookActuator } from './actuators/webhook-actuator.js';
import type { DecorateHeaders } from './http/outbound-http.js';
import { OpaPolicyEngine } from './policy/opa-policy-engine.js';
import {
  defaultPolicyDocument,
  loadPolicyFile,
  type PolicyDocument,
} from './policy/policy-file.js';
import { EnvironmentSecretStore } from './secrets/environment-secret-store.js';
import { VaultSecretStore } from './secrets/vault-secret-store.js';

export interface GovernanceOptions {
  /** `POLICY_FILE`; null: the built-in defaults (no actuator allowlisted). */
  policyFile: string | null;
  /** `OPA_ENDPOINT` and friends; endpoint null: the built-in engine decides. */
  opa: { endpoint: string | null; policyPath: string; timeoutMs: number };
  /** `SECRETS_FILE`. */
  secretsFile: string | null;
  /** `VAULT_*`; url null: environment / file secrets. */
  vault: {
    url: string | null;
    token: string | null;
    roleId: string | null;
    secretId: string | null;
    namespace: string | null;
    kvMount: string;
  };
  /** `NOTIFY_WEBHOOK_URL`. */
  notifyWebhookUrl: string | null;
  /** The process environment (for the environment secret store and the commands' PATH). */
  env: Readonly<Record<string, string | undefined>>;
  /** Adds trace context to every outgoing request. */
  decorateHeaders?: DecorateHeaders | undefined;
}

/** What the agent needs to govern and carry out remediation. */
export interface Governance {
  policy: PolicyDocument;
  policyEngine: PolicyEngine;
  secretStore: SecretStore;
  actuators: Actuator[];
  /** Directories a path taken from a log may point into (from the policy file). */
  allowedPathRoots: readonly string[];
  /** Readiness checks of the configured backends (`opa`, `vault`); each throws when not ready. */
  checks: Readonly<Record<string, () => Promise<void>>>;
}

/**
 * Builds the policy engine, secret store and actuators from configuration.
 * Throws `PolicyFileError` / `SecretsFileError` for files that cannot be used,
 * so the service refuses to start rather than run with a policy it misread.
 */
export function createGovernance(options: GovernanceOptions): Governance {
  const policy = options.policyFile ? loadPolicyFile(options.policyFile) : defaultPolicyDocument();
  const windowSec = policy.rules.blast_radius.window_sec;
  const policyEngine: PolicyEngine = options.opa.endpoint
    ? new OpaPolicyEngine({
        endpoint: options.opa.endpoint,
        policyPath: options.opa.policyPath,
        timeoutMs: options.opa.timeoutMs,
        blastRadiusWindowSec: windowSec,
        blastRadiusMaxExecutions: policy.rules.blast_radius.max_executions,
        decorateHeaders: options.decorateHeaders,
      })
    : new DefaultPolicyEngine({ rules: policy.rules });
  const { vault } = options;
  const secretStore: SecretStore = vault.url
    ? new VaultSecretStore({
        url: vault.url,
        token: vault.token,
        appRole:
          vault.roleId && vault.secretId
            ? { roleId: vault.roleId, secretId: vault.secretId }
            : null,
        namespace: vault.namespace,
        kvMount: vault.kvMount,
        decorateHeaders: options.decorateHeaders,
      })
    : new EnvironmentSecretStore({ env: options.env, file: options.secretsFile });
  const actuators: Actuator[] = [
    new NotifyActuator({
      webhookUrl: options.notifyWebhookUrl,
      settings: policy.actuators.notify,
      decorateHeaders: options.decorateHeaders,
    }),
    new WebhookActuator({
      settings: policy.actuators.webhook,
      decorateHeaders: options.decorateHeaders,
    }),
    new CommandActuator({ settings: policy.actuators.command, path: options.env.PATH }),
  ];
  const checks: Record<string, () => Promise<void>> = {};
  if (policyEngine instanceof OpaPolicyEngine) checks.opa = () => policyEngine.check();
  if (secretStore instanceof VaultSecretStore) checks.vault = () => secretStore.check();
  return {
    policy,
    checks,
    policyEngine,
    secretStore,
    actuators,
    allowedPathRoots: policy.rules.allowed_path_roots,
  };
}
