import { randomUUID } from 'node:crypto';
import type { WireIncident } from '@agent/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApi, LOGS, type TestApi } from '../../test/harness.js';
import {
  createMemoryIncidentEvents,
  type IncidentEvent,
  type IncidentEvents,
} from './incident-events.js';
import { createRedisIncidentEvents } from './redis-incident-events.js';

const REDIS_URL = process.env.TEST_REDIS_URL || null;
if (!REDIS_URL) console.warn('SKIP: Redis incident-events suite — TEST_REDIS_URL is not set');

const opened: IncidentEvents[] = [];
const apis: TestApi[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((events) => events.close()));
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

function event(tenant: string, id: string = randomUUID()): IncidentEvent {
  return { tenant, incident: { incident_id: id, tenant } as WireIncident };
}

function received(events: IncidentEvents): IncidentEvent[] {
  const seen: IncidentEvent[] = [];
  events.subscribe((e) => seen.push(e));
  return seen;
}

describe('memory incident events', () => {
  it('delivers to every subscriber until it unsubscribes; a throwing one does not stop the rest', async () => {
    const warn = vi.fn();
    const events = createMemoryIncidentEvents({ warn });
    opened.push(events);
    events.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const first = received(events);
    const seen: IncidentEvent[] = [];
    const unsubscribe = events.subscribe((e) => seen.push(e));
    await events.publish(event('acme', 'one'));
    unsubscribe();
    await events.publish(event('acme', 'two'));
    expect(first.map((e) => e.incident.incident_id)).toEqual(['one', 'two']);
    expect(seen.map((e) => e.incident.incident_id)).toEqual(['one']);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('says it is listening only while this process has a subscriber', () => {
    const events = createMemoryIncidentEvents();
    opened.push(events);
    expect(events.listening).toBe(false);
    const unsubscribe = events.subscribe(() => {});
    expect(events.listening).toBe(true);
    unsubscribe();
    expect(events.listening).toBe(false);
  });

  it('reads nothing back for an incident nobody can hear', async () => {
    const api = await createTestApi();
    apis.push(api);
    const getIncident = vi.spyOn(api.runtime.store, 'getIncident');
    await api.runtime.agent.processLog({ log: LOGS.dnsTimeouts });
    const seen = received(api.runtime.incidentEvents);
    await api.runtime.agent.processLog({ log: LOGS.dnsTimeouts });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    expect(getIncident).toHaveBeenCalledTimes(1);
  });

  it('is what the runtime publishes every processed incident to', async () => {
    const api = await createTestApi();
    apis.push(api);
    const seen = received(api.runtime.incidentEvents);
    const result = await api.runtime.agent.processLog({ log: LOGS.dnsTimeouts });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    expect(seen[0]).toMatchObject({
      tenant: 'default',
      incident: { incident_id: result.incidentId, category: 'dns_failure', tenant: 'default' },
    });
  });
});

describe('Redis incident events', () => {
  it('keeps running and delivers locally when Redis is unreachable', async () => {
    const warn = vi.fn();
    const events = await createRedisIncidentEvents({
      url: 'redis://127.0.0.1:1',
      logger: { warn },
      connectTimeoutMs: 200,
    });
    opened.push(events);
    const seen = received(events);
    await events.publish(event('acme', 'local'));
    expect(seen.map((e) => e.incident.incident_id)).toEqual(['local']);
    expect(warn).toHaveBeenCalled();
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/password/);
  });

  it.skipIf(!REDIS_URL)('fans an event out to the subscribers of every replica', async () => {
    const channel = `test:incidents:${randomUUID()}`;
    const [a, b] = await Promise.all([
      createRedisIncidentEvents({ url: REDIS_URL!, channel }),
      createRedisIncidentEvents({ url: REDIS_URL!, channel }),
    ]);
    opened.push(a, b);
    const seenByA = received(a);
    const seenByB = received(b);
    await a.publish(event('acme', 'from-a'));
    await b.publish(event('globex', 'from-b'));
    await vi.waitFor(() => {
      expect(seenByA.map((e) => e.incident.incident_id).sort()).toEqual(['from-a', 'from-b']);
      expect(seenByB.map((e) => e.incident.incident_id).sort()).toEqual(['from-a', 'from-b']);
    });
  });

  it.skipIf(!REDIS_URL)(
    'carries incidents between two API runtimes sharing REDIS_URL',
    async () => {
      // A tenant of its own, so other suites publishing to the same Redis do not interfere.
      const tenant = `t${randomUUID().slice(0, 8)}`;
      const env = { REDIS_URL: REDIS_URL!, API_KEYS: `${tenant}:key-${tenant}` };
      const [one, two] = await Promise.all([createTestApi(env), createTestApi(env)]);
      apis.push(one, two);
      expect(one.runtime.incidentEvents.backend).toBe('redis');
      const seen: IncidentEvent[] = [];
      one.runtime.incidentEvents.subscribe((e) => {
        if (e.tenant === tenant) seen.push(e);
      });
      const principal = two.runtime.keyring.authenticate(`key-${tenant}`);
      if (!principal.ok) throw new Error('test key not accepted');
      const result = await two.runtime.agent.processLog({
        log: LOGS.oomCrashLoop,
        principal: principal.principal,
      });
      await vi.waitFor(() => expect(seen).toHaveLength(1));
      expect(seen[0]?.incident).toMatchObject({ incident_id: result.incidentId, tenant });
    },
  );
});
