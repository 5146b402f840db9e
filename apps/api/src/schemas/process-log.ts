import {
  ACTION_STATUSES,
  CATEGORIES,
  DECISIONS,
  MODES,
  RISKS,
  SEVERITIES,
  STRATEGIES,
  TRACE_PHASES,
} from '@agent/core';
import { z } from '@hono/zod-openapi';

const contextValue = z.string().max(253);

export const ProcessLogRequestSchema = z
  .object({
    log: z
      .string()
      .min(1, 'must not be empty')
      .refine((s) => s.trim().length > 0, 'must not be blank')
      .openapi({ example: 'ERROR connect ECONNREFUSED 10.0.0.7:5432' }),
    mode: z.enum(MODES).default('safe'),
    include_trace: z.boolean().default(true),
    llm_config: z
      .object({
        strategy: z.enum(STRATEGIES).optional(),
        model: z.string().min(1).max(200).optional(),
        temperature: z.number().min(0).max(2).optional(),
      })
      .optional(),
    context: z
      .object({
        service: contextValue.optional(),
        namespace: contextValue.optional(),
        environment: contextValue.optional(),
        host: contextValue.optional(),
      })
      .optional(),
  })
  .openapi('ProcessLogRequest');

export const ActionSchema = z
  .object({
    action_id: z.string(),
    plugin: z.string(),
    operation: z.string(),
    params: z.record(z.string(), z.unknown()),
    risk: z.enum(RISKS),
    description: z.string(),
    decision: z.enum(DECISIONS),
    reasons: z.array(z.string()),
    status: z.enum(ACTION_STATUSES),
    output: z.string().optional(),
    error: z.string().optional(),
  })
  .openapi('Action');

export const AnalysisResultSchema = z
  .object({
    incident_id: z.string(),
    category: z.enum(CATEGORIES),
    severity: z.enum(SEVERITIES),
    confidence: z.number(),
    summary: z.string(),
    root_cause: z.string(),
    evidence: z.array(
      z.object({
        line: z.number().int(),
        text: z.string(),
        category: z.enum(CATEGORIES),
        weight: z.number(),
        learned_from: z.string().optional().openapi({
          description:
            'Only on evidence from a learned pattern: the incident whose feedback taught it',
        }),
      }),
    ),
    templates: z.array(
      z.object({ template_id: z.string(), template: z.string(), count: z.number().int() }),
    ),
    similar_incidents: z.array(
      z.object({
        incident_id: z.string(),
        category: z.enum(CATEGORIES),
        seen_at: z.string(),
        resolved: z.boolean().nullable(),
        resolution: z.string().nullable().openapi({
          description: 'How it was resolved (an action feedback reported successful)',
        }),
      }),
    ),
    actions: z.array(ActionSchema),
    reasoning: z.object({
      strategy: z.enum(STRATEGIES),
      cycles: z.number().int(),
      score: z.number(),
      target: z.number(),
      trace: z.array(
        z.object({
          cycle: z.number().int(),
          phase: z.enum(TRACE_PHASES),
          message: z.string(),
          score: z.number().optional(),
        }),
      ),
    }),
    mode: z.enum(MODES),
    duration_ms: z.number(),
    signature: z.string(),
    occurrences: z.number().int().openapi({
      description: 'Occurrences of this incident so far (more than 1 when deduplicated)',
    }),
    deduplicated: z.boolean().openapi({
      description:
        'True when the log repeated an incident of the same tenant and signature within DEDUP_WINDOW_SEC: the fresh analysis under the existing incident_id, with no new actions',
    }),
    learned: z
      .object({
        from_incident_id: z.string().nullable(),
        observed_category: z.enum(CATEGORIES),
      })
      .optional()
      .openapi({ description: 'Present when the category came from a learned pattern' }),
  })
  .openapi('AnalysisResult');

export const IncidentSchema = AnalysisResultSchema.extend({
  received_at: z.string(),
  last_seen_at: z.string(),
  tenant: z.string(),
  occurrences: z.number().int(),
  feedback: z.object({
    resolved: z.boolean().nullable(),
    resolution: z.string().nullable(),
    corrected_category: z.enum(CATEGORIES).nullable(),
    helpful: z.number().int(),
    unhelpful: z.number().int(),
  }),
}).openapi('Incident');
