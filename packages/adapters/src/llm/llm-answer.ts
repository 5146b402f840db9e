import { type Category, type LlmAnswer, LlmError } from '@agent/core';
import { z } from 'zod';

/** Longest texts kept from an answer; a model that rambles is cut, not refused. */
const TEXT_CHARS = 2000;
const REMEDIATION_ITEMS = 10;

const text = z.string().transform((s) => (s.length > TEXT_CHARS ? s.slice(0, TEXT_CHARS) : s));

/**
 * The answer on the wire, for both providers: `{"category", "confidence",
 * "root_cause", "summary", "remediation": [text]}`. A model that writes
 * `rootCause`, or one remediation string instead of a list, is still
 * understood; anything else that does not match is refused.
 */
function answerSchema(categories: readonly Category[]) {
  return z
    .object({
      category: z
        .string()
        .transform((c) => c.trim().toLowerCase())
        .pipe(z.enum(categories as [Category, ...Category[]])),
      confidence: z.number().min(0).max(1),
      root_cause: text.optional(),
      rootCause: text.optional(),
      summary: text,
      remediation: z
        .union([text.transform((s) => [s]), z.array(text)])
        .optional()
        .transform((list) => (list ?? []).slice(0, REMEDIATION_ITEMS)),
    })
    .refine((a) => a.root_cause !== undefined || a.rootCause !== undefined, {
      message: 'root_cause is required',
      path: ['root_cause'],
    })
    .transform(
      (a): LlmAnswer => ({
        category: a.category,
        confidence: a.confidence,
        rootCause: a.root_cause ?? a.rootCause ?? '',
        summary: a.summary,
        remediation: a.remediation,
      }),
    );
}

/** Validates a parsed answer; rejects with an `invalid_answer` LlmError naming the first problem. */
export function validateAnswer(value: unknown, categories: readonly Category[]): LlmAnswer {
  const parsed = answerSchema(categories).safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'answer';
  throw new LlmError(
    'invalid_answer',
    `the answer does not match the schema (${where}: ${issue?.message ?? 'invalid'})`,
  );
}

/**
 * Reads the JSON object a chat model wrote. Servers without JSON mode may
 * wrap it in a Markdown fence or a sentence; the first `{` to the last `}`
 * is taken then.
 */
export function parseAnswerText(content: string, categories: readonly Category[]): LlmAnswer {
  const trimmed = content.trim();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    const start = trimmed.indexOf('{');
    const end = trimmed.lastIndexOf('}');
    if (start === -1 || end <= start) {
      throw new LlmError('invalid_answer', 'the answer is not JSON');
    }
    try {
      value = JSON.parse(trimmed.slice(start, end + 1));
    } catch {
      throw new LlmError('invalid_answer', 'the answer is not valid JSON');
    }
  }
  return validateAnswer(value, categories);
}
