// @agent/legacy: the deprecated `/process_log` API, translating to the same agent.
export { createLegacyApp, DEPRECATED_AT, SUNSET_AT } from './app.js';
