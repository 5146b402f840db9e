import { createRequire } from 'node:module';

// Read once from the app's own package.json so /api/health, the OpenAPI
// document and the logs always agree on the version.
const require = createRequire(import.meta.url);
export const VERSION: string = (require('../package.json') as { version: string }).version;
