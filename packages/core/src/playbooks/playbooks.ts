import type { Category } from '../domain/categories.js';
import type { Risk } from '../domain/types.js';

/**
 * One step of a playbook. String params may hold `{{entity}}` placeholders
 * (service, namespace, pod, host, ...); a step whose placeholder finds no
 * entity is skipped with that reason.
 */
export interface PlaybookStep {
  plugin: string;
  operation: string;
  params: Record<string, unknown>;
  risk?: Risk;
  description: string;
}

const notify: PlaybookStep = {
  plugin: 'notify',
  operation: 'send',
  params: { text: '{{summary}}' },
  description: 'Tell the on-call channel what was found',
};

const runbook = (description: string): PlaybookStep => ({
  plugin: 'webhook',
  operation: 'trigger',
  params: { hook: 'runbook', category: '{{category}}' },
  description,
});

const restart: PlaybookStep = {
  plugin: 'command',
  operation: 'run',
  params: {
    command: 'rollout-restart',
    args: { namespace: '{{namespace}}', deployment: '{{service}}' },
  },
  description: 'Restart the workload (kubectl rollout restart)',
};

/** What an SRE would do first for each category. Every playbook starts by notifying. */
export const PLAYBOOKS: Readonly<Record<Category, readonly PlaybookStep[]>> = {
  oom: [notify, runbook('Raise the memory limit or find the leak'), restart],
  disk_full: [notify, runbook('Free disk space: rotate logs, prune images, grow the volume')],
  fd_exhausted: [notify, runbook('Raise the open-file limit and look for leaked sockets'), restart],
  connection_refused: [notify, runbook('Check that the target service is running and listening')],
  connection_reset: [notify, runbook('Check the peer and any proxy or load balancer in between')],
  timeout: [notify, runbook('Check the slow dependency and the timeout budget')],
  dns_failure: [notify, runbook('Check DNS (CoreDNS, resolv.conf) and the host name')],
  tls_error: [notify, runbook('Renew or fix the certificate chain')],
  auth_failure: [notify, runbook('Rotate or fix the credentials')],
  permission_denied: [notify, runbook('Grant the missing permission (RBAC, IAM, file mode)')],
  crash_loop: [notify, runbook('Inspect the previous container logs for the crash'), restart],
  image_pull: [notify, runbook('Fix the image reference or the registry credentials')],
  scheduling: [notify, runbook('Add capacity or relax the scheduling constraints')],
  probe_failure: [notify, runbook('Check the health endpoint and the probe timings'), restart],
  port_in_use: [notify, runbook('Find and stop the process holding the port'), restart],
  config_error: [notify, runbook('Fix the configuration and roll back the last change')],
  dependency_missing: [notify, runbook('Rebuild the image with the missing dependency')],
  file_not_found: [notify, runbook('Restore the missing file or fix the path')],
  app_crash: [notify, runbook('Roll back the last release and open a bug'), restart],
  db_connection_limit: [notify, runbook('Raise the connection limit or shrink the pools')],
  db_deadlock: [notify, runbook('Find the conflicting transactions and retry them')],
  rate_limited: [notify, runbook('Back off, or raise the quota with the provider')],
  upstream_unavailable: [notify, runbook('Check the upstream service and fail over')],
  quota_exceeded: [notify, runbook('Raise the quota or free resources')],
  unknown: [notify],
  none: [],
};
