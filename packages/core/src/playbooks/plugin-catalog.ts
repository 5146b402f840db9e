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

export interface OperationSpec {
  name: string;
  description: string;
  risk: Risk;
  params: z.ZodType<Record<string, unknown>>;
}

export interface PluginSpec {
  name: string;
  description: string;
  operations: readonly OperationSpec[];
}

/** Every plugin the agent can plan for, with the schema each operation's parameters must fit. */
export const PLUGIN_CATALOG: readonly PluginSpec[] = [
  {
    name: 'notify',
    description: 'Posts a message to the on-call channel (Slack-compatible incoming webhook).',
    operations: [
      {
        name: 'send',
        description: 'Tell the on-call channel what was found.',
        risk: 'low',
        params: z.object({ text: z.string().min(1).max(3000) }).strict(),
      },
    ],
  },
  {
    name: 'webhook',
    description: 'POSTs JSON to an operator-configured endpoint (runbook automation, CI dispatch).',
    operations: [
      {
        name: 'trigger',
        description: 'Trigger a named runbook with the incident as payload.',
        risk: 'medium',
        params: z
          .object({
            hook: configuredName,
            category: z.string().max(64),
            service: resourceName.optional(),
            namespace: resourceName.optional(),
          })
          .strict(),
      },
    ],
  },
  {
    name: 'command',
    description: 'Runs an allowlisted executable with an argv template (never a shell).',
    operations: [
      {
        name: 'run',
        description: 'Run a named, allowlisted command with arguments taken from the incident.',
        risk: 'high',
        params: z
          .object({
            command: configuredName,
            args: z.record(z.string().regex(/^[a-z0-9]/i), resourceName),
          })
          .strict(),
      },
    ],
  },
];

export function findOperation(plugin: string, operation: string): OperationSpec | undefined {
  return PLUGIN_CATALOG.find((p) => p.name === plugin)?.operations.find(
    (o) => o.name === operation,
  );
}

export function pluginNames(): string[] {
  return PLUGIN_CATALOG.map((p) => p.name);
}
