import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY_RULES } from '@agent/core';
import { describe, expect, it } from 'vitest';
import {
  defaultPolicyDocument,
  loadPolicyFile,
  PolicyFileError,
  parsePolicyDocument,
} from './policy-file.js';

const POLICIES = new URL('../../../../policies/', import.meta.url);

describe('policy files', () => {
  it('ships policies/default-policy.json with exactly the built-in defaults', () => {
    const shipped = loadPolicyFile(new URL('default-policy.json', POLICIES).pathname);
    const builtIn = defaultPolicyDocument();
    expect(shipped.rules).toEqual(DEFAULT_POLICY_RULES);
    expect(shipped.actuators).toEqual(builtIn.actuators);
    // Out of the box nothing can be executed.
    expect(shipped.actuators.webhook.allowed_hosts).toEqual([]);
    expect(shipped.actuators.command.allowed_executables).toEqual([]);
  });

  it('keeps policies/remediation.rego on the same default rules', () => {
    const rego = readFileSync(new URL('remediation.rego', POLICIES), 'utf8');
    const value = (name: string) => new RegExp(`^${name} := (.+)$`, 'm').exec(rego)?.[1] ?? '';
    const set = (name: string) => (JSON.parse(`[${value(name).slice(1, -1)}]`) as string[]).sort();
    const rules = DEFAULT_POLICY_RULES;
    expect(Number(value('min_confidence'))).toBe(rules.min_confidence);
    expect(Number(value('max_executions'))).toBe(rules.blast_radius.max_executions);
    expect(value('learned_needs_approval')).toBe(String(rules.require_approval.learned_categories));
    expect(set('approval_risks')).toEqual([...rules.require_approval.risks].sort());
    expect(set('approval_environments')).toEqual([...rules.require_approval.environments].sort());
    expect(set('allowed_plugins')).toEqual([...rules.allowed_plugins].sort());
    expect(rego).toMatch(/^package devops\.remediation$/m);
  });

  it('parses the shipped example, with secret headers and argv templates', () => {
    const example = loadPolicyFile(new URL('example-policy.json', POLICIES).pathname);
    expect(example.rules.min_confidence).toBe(0.7);
    expect(example.actuators.webhook.hooks.runbook?.headers.Authorization).toEqual({
      secret: 'runbooks#token',
      prefix: 'Bearer ',
    });
    expect(example.actuators.command.commands['rollout-restart']?.argv).toContain(
      'deployment/{{deployment}}',
    );
  });

  it('names the field that is wrong, and refuses unknown fields', () => {
    const bad = (doc: unknown) => () => parsePolicyDocument(JSON.stringify(doc), 'p.json');
    expect(bad({ min_confidence: 2 })).toThrow(/p\.json: min_confidence: .*1/);
    expect(bad({ require_approval: { risk: ['high'] } })).toThrow(/require_approval: .*risk/);
    expect(bad({ actuators: { webhook: { allowed_hosts: ['Evil.COM/x'] } } })).toThrow(
      /actuators\.webhook\.allowed_hosts\.0: must be a lowercase host name/,
    );
    expect(bad({ actuators: { command: { allowed_executables: ['kubectl'] } } })).toThrow(
      /must be an absolute path/,
    );
    expect(bad({ actuators: { webhook: { hooks: { runbook: { url: 'ftp://x' } } } } })).toThrow(
      /actuators\.webhook\.hooks\.runbook\.url/,
    );
    expect(bad({ surprise: true })).toThrow(PolicyFileError);
    expect(() => parsePolicyDocument('min_confidence: 0.5', 'p.yaml')).toThrow(
      /not valid JSON .* only JSON policy files/,
    );
  });

  it('reports a file that cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    expect(() => loadPolicyFile(join(dir, 'missing.json'))).toThrow(/cannot be read \(ENOENT\)/);
    writeFileSync(join(dir, 'p.json'), '{"min_confidence": 0.9}');
    expect(loadPolicyFile(join(dir, 'p.json')).rules.min_confidence).toBe(0.9);
  });
});
