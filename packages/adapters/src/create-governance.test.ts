import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultPolicyEngine } from '@agent/core';
import { describe, expect, it } from 'vitest';
import { createGovernance, type GovernanceOptions } from './create-governance.js';
import { OpaPolicyEngine } from './policy/opa-policy-engine.js';
import { EnvironmentSecretStore } from './secrets/environment-secret-store.js';
import { VaultSecretStore } from './secrets/vault-secret-store.js';

const OFF: GovernanceOptions = {
  policyFile: null,
  opa: { endpoint: null, policyPath: 'devops/remediation/decision', timeoutMs: 1000 },
  secretsFile: null,
  vault: {
    url: null,
    token: null,
    roleId: null,
    secretId: null,
    namespace: null,
    kvMount: 'secret',
  },
  notifyWebhookUrl: null,
  env: { PATH: '/usr/bin' },
};

describe('createGovernance', () => {
  it('uses the embedded defaults when nothing is configured: nothing can run', () => {
    const g = createGovernance(OFF);
    expect(g.policyEngine).toBeInstanceOf(DefaultPolicyEngine);
    expect(g.secretStore).toBeInstanceOf(EnvironmentSecretStore);
    expect(g.actuators.map((a) => [a.plugin, a.configured])).toEqual([
      ['notify', false],
      ['webhook', false],
      ['command', false],
    ]);
    expect(g.policy.source).toBeNull();
    expect(g.allowedPathRoots).toEqual(['/var/log', '/var/tmp', '/tmp']);
    expect(Object.keys(g.checks)).toEqual([]);
  });

  it('switches to OPA, Vault and the notify webhook by configuration alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gov-'));
    const policyFile = join(dir, 'policy.json');
    writeFileSync(
      policyFile,
      JSON.stringify({
        blast_radius: { window_sec: 900, max_executions: 5 },
        allowed_path_roots: ['/data'],
        actuators: {
          command: {
            allowed_executables: ['/bin/echo'],
            commands: { 'rollout-restart': { executable: '/bin/echo', argv: ['{{deployment}}'] } },
          },
        },
      }),
    );
    const g = createGovernance({
      ...OFF,
      policyFile,
      opa: { ...OFF.opa, endpoint: 'http://opa:8181' },
      vault: { ...OFF.vault, url: 'http://vault:8200', roleId: 'r', secretId: 's' },
      notifyWebhookUrl: 'https://hooks.slack.com/services/T/B/X',
    });
    expect(g.policyEngine).toBeInstanceOf(OpaPolicyEngine);
    expect(g.policyEngine.blastRadiusWindowSec).toBe(900);
    // The policy file's limit is also held atomically in the store under OPA.
    expect(g.policyEngine.blastRadiusMaxExecutions).toBe(5);
    expect(g.secretStore).toBeInstanceOf(VaultSecretStore);
    expect(g.actuators.map((a) => [a.plugin, a.configured])).toEqual([
      ['notify', true],
      ['webhook', false],
      ['command', true],
    ]);
    expect(g.allowedPathRoots).toEqual(['/data']);
    expect(Object.keys(g.checks).sort()).toEqual(['opa', 'vault']);
  });

  it('refuses to start with a policy file it cannot use', () => {
    expect(() => createGovernance({ ...OFF, policyFile: '/nonexistent/policy.json' })).toThrow(
      /policy file \/nonexistent\/policy\.json: cannot be read/,
    );
  });
});
