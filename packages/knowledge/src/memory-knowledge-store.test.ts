import { MemoryKnowledgeStore } from '@agent/core';
import { describeKnowledgeStoreConformance } from './store-conformance.js';

// Core's in-memory store is the reference implementation; it is held to the
// same contract as the SQL stores so the two cannot drift apart.
describeKnowledgeStoreConformance({
  name: 'MemoryKnowledgeStore (core reference)',
  open: async () => ({ store: new MemoryKnowledgeStore() }),
});
