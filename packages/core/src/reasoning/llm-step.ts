import { CATEGORIES, type Category, isCategory } from '../domain/categories.js';
import { ValidationError } from '../domain/errors.js';
import type {
  Evidence,
  IncidentContext,
  LlmOptions,
  Strategy,
  TemplateCount,
  TracePhase,
} from '../domain/types.js';
import { redactSecrets } from '../ingest/redact.js';
import type { Clock } from '../ports/clock.js';
import type { KnowledgeStore } from '../ports/knowledge-store.js';
import { type LlmAnswer, type LlmClient, LlmError, type LlmFailure } from '../ports/llm-client.js';
import type { Telemetry } from '../ports/telemetry.js';
import type { RecordSignal } from '../signals/detect-signals.js';
import { contentHash } from '../util/hash.js';
import type { Hypothesis } from './hypotheses.js';
import { scoreLlmAnswer } from './llm-score.js';
import { buildLlmView } from './llm-view.js';

/** Limits on the LLM step (`LLM_*` variables). */
export interface LlmSettings {
  /** Cap on the whole LLM step of one request, retries included (`LLM_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Prompt budget, estimated (`LLM_MAX_INPUT_TOKENS`). */
  maxInputTokens: number;
  /** Answer cache lifetime; 0: no cache (`LLM_CACHE_TTL_SEC`). */
  cacheTtlSec: number;
  /** Models a request may choose; the client's default model is always allowed. */
  allowedModels: readonly string[];
  /** Upper bound of a request's temperature (`LLM_MAX_TEMPERATURE`). */
  maxTemperature: number;
}

export const DEFAULT_LLM_SETTINGS: Readonly<LlmSettings> = Object.freeze({
  timeoutMs: 10_000,
  maxInputTokens: 4000,
  cacheTtlSec: 86_400,
  allowedModels: [],
  maxTemperature: 1,
});

/**
 * Refuses per-request LLM options outside the configured limits, naming the
 * field: a request may pick a model only from the allowed list and a
 * temperature only up to the maximum.
 */
export function checkLlmOptions(
  options: LlmOptions | undefined,
  settings: LlmSettings,
  defaultModel: string | null | undefined,
): void {
  if (!options) return;
  const { model, temperature } = options;
  if (model !== undefined) {
    const allowed = [
      ...new Set([...(defaultModel ? [defaultModel] : []), ...settings.allowedModels]),
    ];
    if (!allowed.includes(model)) {
      throw new ValidationError(
        allowed.length > 0
          ? `llm_config.model: "${clip(model, 80)}" is not allowed (allowed: ${allowed.join(', ')})`
          : `llm_config.model: no model may be chosen (LLM_MODEL and LLM_ALLOWED_MODELS are unset)`,
      );
    }
  }
  if (temperature !== undefined) {
    if (!Number.isFinite(temperature) || temperature < 0) {
      throw new ValidationError('llm_config.temperature: must be a number from 0');
    }
    if (temperature > settings.maxTemperature) {
      throw new ValidationError(
        `llm_config.temperature: ${temperature} is above the allowed maximum ${settings.maxTemperature}`,
      );
    }
  }
}

/** What the reasoning loop concluded, as the LLM step reads it. */
export interface HeuristicConclusion {
  category: Category;
  confidence: number;
  score: number;
  cycles: number;
}

export interface LlmStepInput {
  tenant: string;
  strategy: Strategy;
  options: LlmOptions | undefined;
  heuristic: HeuristicConclusion;
  target: number;
  analysis: {
    records: number;
    signals: readonly RecordSignal[];
    hypotheses: readonly Hypothesis[];
    templates: readonly TemplateCount[];
    evidence(category: Category): Evidence[];
    /** Signature of the heuristic category: the cache key. */
    signature: string;
  };
  context: IncidentContext;
  /** Appends one trace step (and streams it). */
  note(phase: TracePhase, message: string, score: number): void;
}

/** The LLM's hypothesis, once it won. */
export interface LlmConclusion {
  category: Category;
  confidence: number;
  /**
   * The LLM's category replaced the heuristic one: it was inferred, not
   * observed, so policy treats it like a learned category (the default
   * policy then asks for approval before anything runs).
   */
  replaced: boolean;
  /** Set when the LLM's category replaced the heuristic one (its texts then describe it). */
  rootCause: string | null;
  summary: string | null;
}

export interface LlmStepDependencies {
  client: LlmClient | null;
  settings: LlmSettings;
  store: KnowledgeStore;
  clock: Clock;
  telemetry: Telemetry;
}

/** Least score of a named category the LLM proposes for a log the heuristics call `unknown`. */
const OVER_UNKNOWN = 0.3;
/** Longest LLM texts kept in a result. */
const ROOT_CAUSE_CHARS = 600;
const SUMMARY_CHARS = 200;
const ADVICE_ITEMS = 5;
const ADVICE_CHARS = 200;

/**
 * The optional LLM step after the reasoning loop. It asks only when it can
 * help (the heuristic score is below the target, the category is unknown,
 * or the request asked for the `llm` strategy) and says in the trace why it
 * did or did not. It sends the compact redacted view within the prompt
 * budget, serves a recurring signature from the cache, and caps the whole
 * step at `timeoutMs` whatever the client does. The answer is a hypothesis
 * scored on this log's evidence; it replaces the heuristic conclusion only
 * when it scores higher, and its remediation is advice in the trace, never
 * an action: actions still come from the playbook, through policy. Any
 * failure leaves the heuristic result as it was.
 *
 * Returns the new conclusion, or null when the heuristic one stands.
 */
export async function consultLlm(
  deps: LlmStepDependencies,
  input: LlmStepInput,
): Promise<LlmConclusion | null> {
  const { client, settings } = deps;
  const { heuristic } = input;
  const why = reasonToAsk(input.strategy, heuristic, input.target);
  const report = (outcome: 'not_asked' | 'cache_hit' | 'answered' | 'failed', adopted = false) =>
    deps.telemetry.llmStep?.({ outcome, adopted });
  if (!client) {
    if (input.strategy === 'llm') {
      input.note(
        'decide',
        'LLM: asked for (strategy llm) but none is configured; the heuristic result stands',
        heuristic.score,
      );
    }
    return null;
  }
  if (why === null) {
    input.note(
      'decide',
      `LLM not asked: score ${heuristic.score.toFixed(2)} reaches the target ${input.target.toFixed(2)} and the category is known`,
      heuristic.score,
    );
    report('not_asked');
    return null;
  }

  const pattern = await deps.store
    .findLearnedPattern(input.tenant, input.analysis.signature)
    .catch(() => null);
  if (pattern) {
    input.note(
      'decide',
      `LLM not asked (${why}): operators already taught the category of this signature`,
      heuristic.score,
    );
    report('not_asked');
    return null;
  }

  const view = buildLlmView(
    {
      records: input.analysis.records,
      signals: input.analysis.signals,
      hypotheses: input.analysis.hypotheses,
      templates: input.analysis.templates,
      evidence: input.analysis.evidence,
      context: input.context,
      categories: CATEGORIES,
      leading: heuristic.category,
    },
    settings.maxInputTokens,
    Math.max(0, client.promptOverheadTokens ?? 0),
  );
  if (!view) {
    input.note(
      'decide',
      `LLM not asked (${why}): the prompt budget of ${settings.maxInputTokens} tokens leaves no room for the log`,
      heuristic.score,
    );
    report('not_asked');
    return null;
  }

  const model = input.options?.model ?? client.defaultModel ?? null;
  const label = `${client.name}${model ? ` ${model}` : ''}`;
  const cacheKey = contentHash(
    ['llm', input.tenant, input.analysis.signature, client.name, model ?? ''].join('\n'),
  );
  const now = deps.clock.now();
  let answer: LlmAnswer | null = null;
  let cached = false;
  if (settings.cacheTtlSec > 0) {
    answer = await deps.store.findLlmAnswer(cacheKey, now.toISOString()).catch(() => null);
    cached = answer !== null;
  }

  if (!answer) {
    input.note(
      'hypothesize',
      `asking the LLM (${label}) because ${why}: ${view.tokens} estimated prompt tokens of ${settings.maxInputTokens}${view.omitted > 0 ? `, ${view.omitted} lines left out to fit` : ''}`,
      heuristic.score,
    );
    try {
      const raw = await callWithin(
        (signal) =>
          client.analyze(
            {
              ...view.request,
              model: model ?? undefined,
              temperature: input.options?.temperature,
            },
            signal,
          ),
        settings.timeoutMs,
      );
      answer = normalizeAnswer(raw);
      if (!answer)
        throw new LlmError('invalid_answer', 'the answer does not match the expected shape');
    } catch (error) {
      const kind: LlmFailure = error instanceof LlmError ? error.kind : 'unavailable';
      input.note(
        'decide',
        `LLM gave no usable answer (${kind}${kind === 'invalid_answer' ? ', ignored' : ''}): ${describe(error)}; the heuristic result stands`,
        heuristic.score,
      );
      report('failed');
      return null;
    }
    if (settings.cacheTtlSec > 0) {
      await deps.store
        .saveLlmAnswer({
          key: cacheKey,
          answer,
          createdAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + settings.cacheTtlSec * 1000).toISOString(),
        })
        .catch(() => {
          // The cache is an optimisation: a store that cannot keep it costs a call next time.
        });
    }
  }

  const failing = input.analysis.signals.filter((s) => s.failing).length;
  const scored = scoreLlmAnswer(answer, input.analysis.hypotheses, failing);
  input.note(
    'hypothesize',
    `LLM (${label}${cached ? ', cached answer for this signature' : ''}) proposes ${answer.category} with confidence ${answer.confidence.toFixed(2)}: ${clip(answer.summary, SUMMARY_CHARS)}`,
    scored.score,
  );
  input.note(
    'evaluate',
    `score ${scored.score.toFixed(2)} for the LLM's ${answer.category}: ${scored.basis}`,
    scored.score,
  );
  if (answer.remediation.length > 0) {
    input.note(
      'reflect',
      `LLM remediation advice (not actions; the playbook and policy decide what runs): ${answer.remediation
        .slice(0, ADVICE_ITEMS)
        .map((r, i) => `${i + 1}. ${clip(r, ADVICE_CHARS)}`)
        .join(' ')}`,
      scored.score,
    );
  }

  if (answer.category === heuristic.category) {
    const confidence = Math.max(heuristic.confidence, scored.score);
    input.note(
      'decide',
      `LLM agrees: ${heuristic.category} with confidence ${confidence.toFixed(2)}`,
      confidence,
    );
    report(cached ? 'cache_hit' : 'answered');
    return confidence > heuristic.confidence
      ? {
          category: heuristic.category,
          confidence,
          replaced: false,
          rootCause: null,
          summary: null,
        }
      : null;
  }
  // `unknown` is no diagnosis at all: a named failure the model argues for
  // beats it unless its score is negligible.
  const namesOverUnknown =
    heuristic.category === 'unknown' &&
    answer.category !== 'none' &&
    answer.category !== 'unknown' &&
    scored.score >= OVER_UNKNOWN;
  if (scored.score > heuristic.score || namesOverUnknown) {
    input.note(
      'decide',
      `taking the LLM's ${answer.category} (score ${scored.score.toFixed(2)}) over ${heuristic.category} (${heuristic.score.toFixed(2)})`,
      scored.score,
    );
    report(cached ? 'cache_hit' : 'answered', true);
    return {
      category: answer.category,
      confidence: scored.score,
      replaced: true,
      rootCause: clip(answer.rootCause, ROOT_CAUSE_CHARS) || null,
      summary: clip(answer.summary, SUMMARY_CHARS) || null,
    };
  }
  input.note(
    'decide',
    `keeping ${heuristic.category} (score ${heuristic.score.toFixed(2)}): the LLM's ${answer.category} scores ${scored.score.toFixed(2)}`,
    heuristic.score,
  );
  report(cached ? 'cache_hit' : 'answered');
  return null;
}

/** Why asking can help, or null when it cannot. */
function reasonToAsk(
  strategy: Strategy,
  heuristic: HeuristicConclusion,
  target: number,
): string | null {
  if (strategy === 'llm') return 'the request asked for it (strategy llm)';
  if (heuristic.category === 'unknown') return 'the category is unknown';
  if (heuristic.score < target) {
    return `the score ${heuristic.score.toFixed(2)} is below the target ${target.toFixed(2)}`;
  }
  return null;
}

/**
 * Runs `call` with a signal that aborts after `timeoutMs`, and stops waiting
 * then even if the call ignores its signal.
 */
async function callWithin<T>(
  call: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new LlmError('timeout', `no answer within ${timeoutMs} ms (LLM_TIMEOUT_MS)`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
    // A late rejection of `expired` is already handled by the race.
    expired.catch(() => {});
  }
}

/** The answer with every field checked, texts redacted; null when it does not fit the shape. */
function normalizeAnswer(raw: unknown): LlmAnswer | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const a = raw as Record<string, unknown>;
  if (!isCategory(a.category)) return null;
  if (typeof a.confidence !== 'number' || !Number.isFinite(a.confidence)) return null;
  if (typeof a.rootCause !== 'string' || typeof a.summary !== 'string') return null;
  if (!Array.isArray(a.remediation) || !a.remediation.every((r) => typeof r === 'string')) {
    return null;
  }
  return {
    category: a.category,
    confidence: Math.max(0, Math.min(1, a.confidence)),
    rootCause: redactSecrets(oneLine(a.rootCause)),
    summary: redactSecrets(oneLine(a.summary)),
    remediation: (a.remediation as string[])
      .map((r) => redactSecrets(oneLine(r)))
      .filter((r) => r !== ''),
  };
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : 'the call failed';
  return clip(redactSecrets(oneLine(message)), 300);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
