import {
  type Agent,
  ANONYMOUS,
  type AnalysisResult,
  type Principal,
  toWireIncident,
} from '@agent/core';
import type { IncidentEvents, IncidentEventsLogger } from './incident-events.js';

/**
 * The agent, publishing every incident it records (HTTP, WebSocket and the
 * legacy API all go through it). The event carries the incident as stored,
 * read back after the request, so it says what `/api/incidents/{id}` says
 * (occurrences included). Publishing happens after the answer and never
 * fails or slows the request. With nobody to hear it (no subscriber in this
 * process, no Redis to reach other replicas) nothing is read or published.
 */
export function publishingIncidents(
  agent: Agent,
  events: IncidentEvents,
  logger?: IncidentEventsLogger,
): Agent {
  const publish = (result: AnalysisResult, principal: Principal | undefined) => {
    if (!events.listening) return;
    const caller = principal ?? ANONYMOUS;
    agent
      .getIncident(result.incidentId, caller)
      .then((stored) => events.publish({ tenant: stored.tenant, incident: toWireIncident(stored) }))
      .catch((error: unknown) =>
        logger?.warn(
          { err: error, incident_id: result.incidentId },
          'incident events: could not publish an incident',
        ),
      );
  };
  return {
    ...agent,
    async processLog(input) {
      const result = await agent.processLog(input);
      publish(result, input.principal);
      return result;
    },
    async processLogStream(input) {
      const result = await agent.processLogStream(input);
      publish(result, input.principal);
      return result;
    },
  };
}
