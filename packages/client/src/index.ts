// @agent/client: the typed HTTP client of the devops-agent API, generated
// from its OpenAPI document (`pnpm gen:client`; see generated.ts).
export * from './generated.js';
