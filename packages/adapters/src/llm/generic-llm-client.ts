import { type LlmAnswer, type LlmClient, LlmError, type LlmRequest } from '@agent/core';
import { parseAnswerText } from './llm-answer.js';
import {
  LlmTransport,
  type LlmTransportOptions,
  observedCall,
  serverMessage,
} from './llm-transport.js';

export interface GenericLlmClientOptions extends LlmTransportOptions {
  /** `LLM_ENDPOINT`: the URL the request is POSTed to. */
  endpoint: string;
  /** `LLM_API_KEY`, sent as a bearer token when set. */
  apiKey?: string | null | undefined;
}

/**
 * An `LlmClient` for the original product's generic analysis endpoint:
 * POST `{"log", "context", "hypotheses": [{"category", "confidence"}],
 * "categories"}` and read back `{"category", "confidence", "root_cause",
 * "summary", "remediation": [text]}`, validated with zod. Retries, the
 * circuit breaker, the time cap and the observer are those of every LLM
 * client.
 */
export function createGenericLlmClient(options: GenericLlmClientOptions): LlmClient {
  const transport = new LlmTransport(options);
  const endpoint = new URL(options.endpoint).toString();
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  function analyze(request: LlmRequest, outer: AbortSignal): Promise<LlmAnswer> {
    return observedCall(
      transport,
      { provider: 'generic', model: null },
      outer,
      async (call, report) => {
        const body = {
          log: request.log,
          context: request.context,
          hypotheses: request.hypotheses,
          categories: request.categories,
        };
        report.promptTokens = Math.ceil(JSON.stringify(body).length / 4);
        const response = await transport.post(endpoint, body, headers, call);
        if (response.status < 200 || response.status >= 300) {
          throw new LlmError(
            'rejected',
            `HTTP ${response.status} from the LLM endpoint${serverMessage(response.text)}`,
          );
        }
        report.completionTokens = Math.ceil(response.text.length / 4);
        return parseAnswerText(response.text, request.categories);
      },
    );
  }

  return {
    name: 'generic',
    defaultModel: null,
    // The JSON envelope around the fields.
    promptOverheadTokens: 16,
    analyze,
  };
}
