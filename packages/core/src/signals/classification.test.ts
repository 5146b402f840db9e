import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent.js';
import { INCIDENT_FIXTURES } from './fixtures/incident-logs.js';
import { MORE_INCIDENT_FIXTURES } from './fixtures/more-incident-logs.js';
import { THIRD_INCIDENT_FIXTURES } from './fixtures/third-incident-logs.js';

describe('classification of realistic logs', () => {
  const agent = createAgent();
  for (const fixture of [
    ...INCIDENT_FIXTURES,
    ...MORE_INCIDENT_FIXTURES,
    ...THIRD_INCIDENT_FIXTURES,
  ]) {
    it(`${fixture.name} -> ${fixture.expected}`, async () => {
      const result = await agent.processLog({ log: fixture.log, includeTrace: false });
      expect(result.category).toBe(fixture.expected);
    });
  }
});
