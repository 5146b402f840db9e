// Preloaded into the API by `pnpm bench:observability -- --observed context`
// (NODE_OPTIONS=--import=...): an AsyncLocalStorage with a value, as
// OpenTelemetry's context manager keeps one while tracing is on. Once one
// is in use, Node.js 20 runs async hooks for every promise and callback of the
// process, whatever the rest of tracing does; this measures that part alone.
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage();
storage.enterWith({ preloaded: 'bench:observability --observed context' });
// Kept reachable for the life of the process.
globalThis.__benchAsyncContext = storage;
