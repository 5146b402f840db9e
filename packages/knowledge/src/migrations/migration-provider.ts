import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './2026-11-26-001-initial.js';
import { learningAndGovernanceMigration } from './2026-11-26-002-learning-and-governance.js';
import { dedupFeedbackOutcomesMigration } from './2026-11-27-003-dedup-feedback-outcomes.js';
import { actionApprovalsMigration } from './2026-11-28-005-action-approvals.js';
import { llmCacheMigration } from './2026-11-28-006-llm-cache.js';
import { executionClaimsMigration } from './2026-11-28-007-execution-claims.js';
import { recallIndexMigration } from './2026-11-28-008-recall-index.js';
import { learnedPatternIndexMigration } from './2026-11-29-009-learned-pattern-index.js';

/**
 * Every migration, by name. Kysely runs them in name order, so a new one gets
 * a later date prefix. They live in code, not in a folder read at run time,
 * because the apps are bundled and Kysely's FileMigrationProvider cannot find
 * files inside a bundle.
 */
export const knowledgeMigrations: Readonly<Record<string, Migration>> = Object.freeze({
  '2026_11_26_001_initial': initialMigration,
  '2026_11_26_002_learning_and_governance': learningAndGovernanceMigration,
  '2026_11_27_003_dedup_feedback_outcomes': dedupFeedbackOutcomesMigration,
  '2026_11_28_005_action_approvals': actionApprovalsMigration,
  '2026_11_28_006_llm_cache': llmCacheMigration,
  '2026_11_28_007_execution_claims': executionClaimsMigration,
  '2026_11_28_008_recall_index': recallIndexMigration,
  '2026_11_29_009_learned_pattern_index': learnedPatternIndexMigration,
});

export const inMemoryMigrationProvider: MigrationProvider = Object.freeze({
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...knowledgeMigrations };
  },
});
