import { packageTestConfig } from '../../vitest.shared.js';

// The tests run the built command as child processes (SQLite included): slow on a busy machine.
export default packageTestConfig({ testTimeout: 60_000 });
