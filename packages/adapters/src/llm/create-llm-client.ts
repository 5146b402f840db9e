import type { LlmClient } from '@agent/core';
import { createGenericLlmClient } from './generic-llm-client.js';
import type { LlmTransportOptions } from './llm-transport.js';
import { createOpenAiLlmClient } from './openai-llm-client.js';

/** The LLM part of the configuration (`config.llm` of @agent/config), as this package needs it. */
export interface LlmClientConfig {
  /** `none`: no LLM (the heuristic engine answers alone). */
  provider: 'openai' | 'generic' | 'none';
  baseUrl: string | null;
  apiKey: string | null;
  model: string | null;
  endpoint: string | null;
  timeoutMs: number;
}

/**
 * The LLM client `LLM_PROVIDER` picks (config.md): `openai` calls
 * `{LLM_BASE_URL}/chat/completions`, `generic` POSTs to `LLM_ENDPOINT`;
 * `none` (or a provider whose URL is missing) gives null: no LLM.
 */
export function createLlmClient(
  config: LlmClientConfig,
  options: Omit<LlmTransportOptions, 'timeoutMs'> = {},
): LlmClient | null {
  const common = { ...options, timeoutMs: config.timeoutMs };
  if (config.provider === 'openai' && config.baseUrl) {
    return createOpenAiLlmClient({
      ...common,
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      model: config.model,
    });
  }
  if (config.provider === 'generic' && config.endpoint) {
    return createGenericLlmClient({ ...common, endpoint: config.endpoint, apiKey: config.apiKey });
  }
  return null;
}
