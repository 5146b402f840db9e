import type { Category } from '../domain/categories.js';
import type { Risk } from '../domain/types.js';

/**
 * One step of a playbook. String params may hold `{{entity}}` placeholders
 * (category, summary, service, namespace, pod, host, path, ...): a step whose
 * placeholder finds no value is skipped with that reason. A param that is
 * exactly `{{entity?}}` is optional: it is left out when there is no value.
 */
export interface PlaybookStep {
  plugin: string;
  operation: string;
  params: Record<string, unknown>;
  /** Overrides the operation's risk (a read-only command is less risky than its plugin's default). */
  risk?: Risk;
  description: string;
}

/** Tell the on-call channel what was found: first in every playbook, low risk. */
const notify: PlaybookStep = {
  plugin: 'notify',
  operation: 'send',
  params: { text: '{{summary}}', category: '{{category}}', service: '{{service?}}' },
  description: 'Tell the on-call channel what was found',
};

/** Hand the incident to the operator's runbook automation (one configured hook, dispatching on category). */
const runbook = (description: string): PlaybookStep => ({
  plugin: 'webhook',
  operation: 'trigger',
  params: {
    hook: 'runbook',
    category: '{{category}}',
    summary: '{{summary}}',
    service: '{{service?}}',
    namespace: '{{namespace?}}',
  },
  description,
});

/**
 * Commands an operator maps to executables and argv templates in the policy
 * file (`actuators.command.commands`); nothing runs until they do.
 */
const restart: PlaybookStep = {
  plugin: 'command',
  operation: 'run',
  params: {
    command: 'rollout-restart',
    args: { namespace: '{{namespace}}', deployment: '{{service}}' },
  },
  description: 'Restart the workload (kubectl rollout restart)',
};

const rollback: PlaybookStep = {
  plugin: 'command',
  operation: 'run',
  params: {
    command: 'rollout-undo',
    args: { namespace: '{{namespace}}', deployment: '{{service}}' },
  },
  description: 'Roll the workload back to its previous revision (kubectl rollout undo)',
};

const describePod: PlaybookStep = {
  plugin: 'command',
  operation: 'run',
  params: { command: 'describe-pod', args: { namespace: '{{namespace}}', pod: '{{pod}}' } },
  risk: 'medium',
  description: 'Collect the pod description and events (read-only)',
};

const endpoints: PlaybookStep = {
  plugin: 'command',
  operation: 'run',
  params: {
    command: 'get-endpoints',
    args: { namespace: '{{namespace}}', service: '{{service}}' },
  },
  risk: 'medium',
  description: 'List the endpoints behind the service (read-only)',
};

const diskUsage: PlaybookStep = {
  plugin: 'command',
  operation: 'run',
  params: { command: 'disk-usage', args: { path: '{{path}}' } },
  risk: 'medium',
  description: 'Measure what fills the volume (du, read-only)',
};

/**
 * What an SRE would do for each category, as data. Every playbook starts by
 * notifying; `none` needs nothing. Ranking (votes, outcomes) keeps notify
 * first and orders the rest.
 */
export const PLAYBOOKS: Readonly<Record<Category, readonly PlaybookStep[]>> = {
  oom: [notify, runbook('Raise the memory limit or find the leak'), restart],
  disk_full: [
    notify,
    diskUsage,
    runbook('Free disk space: rotate logs, prune images, grow the volume'),
  ],
  fd_exhausted: [notify, runbook('Raise the open-file limit and look for leaked sockets'), restart],
  connection_refused: [
    notify,
    endpoints,
    runbook('Check that the target service is running and listening'),
  ],
  connection_reset: [notify, runbook('Check the peer and any proxy or load balancer in between')],
  timeout: [notify, runbook('Check the slow dependency and the timeout budget')],
  dns_failure: [notify, runbook('Check DNS (CoreDNS, resolv.conf) and the host name')],
  tls_error: [notify, runbook('Renew or fix the certificate chain')],
  auth_failure: [notify, runbook('Rotate or fix the credentials')],
  permission_denied: [notify, runbook('Grant the missing permission (RBAC, IAM, file mode)')],
  crash_loop: [
    notify,
    describePod,
    runbook('Inspect the previous container logs for the crash'),
    restart,
  ],
  image_pull: [notify, describePod, runbook('Fix the image reference or the registry credentials')],
  scheduling: [notify, describePod, runbook('Add capacity or relax the scheduling constraints')],
  probe_failure: [notify, runbook('Check the health endpoint and the probe timings'), restart],
  port_in_use: [notify, runbook('Find and stop the process holding the port'), restart],
  config_error: [notify, runbook('Fix the configuration'), rollback],
  dependency_missing: [notify, runbook('Rebuild the image with the missing dependency'), rollback],
  file_not_found: [notify, runbook('Restore the missing file or fix the path')],
  app_crash: [notify, runbook('Open a bug with the stack trace'), rollback],
  db_connection_limit: [notify, runbook('Raise the connection limit or shrink the pools')],
  db_deadlock: [notify, runbook('Find the conflicting transactions and retry them')],
  rate_limited: [notify, runbook('Back off, or raise the quota with the provider')],
  upstream_unavailable: [notify, endpoints, runbook('Check the upstream service and fail over')],
  quota_exceeded: [notify, runbook('Raise the quota or free resources')],
  unknown: [notify],
  none: [],
};
