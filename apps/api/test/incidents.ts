import type { StoredIncident } from '@agent/core';

/** A stored incident written straight to a store (history and retention tests). */
export function makeIncidentForTests(
  incidentId: string,
  tenant: string,
  receivedAt: Date,
): StoredIncident {
  const at = receivedAt.toISOString();
  return {
    incidentId,
    tenant,
    receivedAt: at,
    lastSeenAt: at,
    category: 'oom',
    severity: 'high',
    signature: `sig-${incidentId}`,
    occurrences: 1,
    result: {
      incidentId,
      category: 'oom',
      severity: 'high',
      confidence: 0.9,
      summary: 'oom: java.lang.OutOfMemoryError: Java heap space',
      rootCause: 'A process ran out of memory.',
      evidence: [
        {
          line: 1,
          text: 'java.lang.OutOfMemoryError: Java heap space',
          category: 'oom',
          weight: 1,
        },
      ],
      templates: [],
      similarIncidents: [],
      actions: [],
      reasoning: { strategy: 'classic', cycles: 1, score: 0.9, target: 0.7, trace: [] },
      mode: 'safe',
      durationMs: 1,
      signature: `sig-${incidentId}`,
    },
  };
}
