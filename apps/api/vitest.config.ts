import { packageTestConfig } from '../../vitest.shared.js';

// The entry point only wires the parts together; the built server's own tests run it.
export default packageTestConfig({ coverageExclude: ['src/main.ts'] });
