export { ConfigError, type ConfigIssue } from './config-error.js';
export {
  configSchema,
  LLM_PROVIDERS,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  type ParsedVariables,
  type VariableName,
} from './config-schema.js';
export type { VariableMeta } from './config-variable.js';
export { type ConfigVariable, configTable, configVariables } from './config-variables.js';
export { type LoadConfigOptions, loadConfig } from './load-config.js';
export {
  type AgentConfig,
  type ApiKey,
  defaultWebsocketUrl,
  type LlmProvider,
  type ParseConfigOptions,
  parseConfig,
  type VaultAuthMethod,
} from './parse-config.js';
export { type PublicConfig, type PublicValue, publicConfig } from './public-config.js';
