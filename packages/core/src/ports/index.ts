export type * from './actuator.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type * from './knowledge-store.js';
export type * from './llm-client.js';
export type * from './policy-engine.js';
export type * from './secret-store.js';
export type { Telemetry } from './telemetry.js';
export { noopTelemetry } from './telemetry.js';
