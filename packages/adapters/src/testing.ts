// @agent/adapters/testing: loopback protocol doubles of the servers the
// adapters talk to (the LLM APIs; OPA, Vault, webhook receivers and a Slack
// incoming webhook), for tests of this package and of the apps. Not used at
// run time.

export {
  downUrl,
  type LoopbackServer,
  type OpaProtocolDoubleOptions,
  startLoopbackServer,
  startOpaProtocolDouble,
  startSlackProtocolDouble,
  startVaultProtocolDouble,
  startWebhookProtocolDouble,
  type VaultProtocolDoubleOptions,
  type WebhookProtocolDoubleOptions,
} from '../test/protocol-doubles.js';
export {
  chatCompletion,
  DOUBLE_ANSWER,
  type DoubleHandler,
  type DoubleReply,
  genericLlmProtocolDouble,
  openAiError,
  openAiProtocolDouble,
  type ProtocolDouble,
  type RecordedRequest,
  refusedUrl,
} from './llm/testing/protocol-doubles.js';
