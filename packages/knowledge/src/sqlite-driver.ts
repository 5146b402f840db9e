import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

// Which build of better-sqlite3 this Node.js can run.
//
// better-sqlite3 12 (and earlier) wraps its statements in node::ObjectWrap.
// From Node.js 24.19 that class's destructor checks for a current Node.js
// environment, which a garbage collection outside JavaScript does not have:
// the first prepared statement collected that way aborts the process
// (`Assertion failed: (env) != nullptr` in RemoveEnvironmentCleanupHook;
// WiseLibs/better-sqlite3#1515, closed without a fix for 12). Under load the
// API died within seconds on Node 24.21. better-sqlite3 13 is built on
// Node-API and has no such destructor, but needs Node.js 22: loaded on 20 it
// crashes the process at once. So Node 22 and later load 13 (installed under
// the alias `better-sqlite3-napi`), Node 20 loads 12. Their JavaScript API is
// the same.

const nodeMajor = Number(process.versions.node.split('.')[0]);

/** The package name of the better-sqlite3 build this process loads. */
export const SQLITE_DRIVER_PACKAGE = nodeMajor >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';

const require = createRequire(import.meta.url);

const driverManifest = require(`${SQLITE_DRIVER_PACKAGE}/package.json`) as {
  name: string;
  version: string;
};

/** That build as `better-sqlite3 <version>`, under its own name (not the alias). */
export const SQLITE_DRIVER = `${driverManifest.name} ${driverManifest.version}`;

/** The driver's entry file, for worker threads that must load the same build. */
export const SQLITE_DRIVER_PATH = require.resolve(SQLITE_DRIVER_PACKAGE);

/** better-sqlite3's Database class, from the build this Node.js can run. */
export const SqliteDatabase = require(SQLITE_DRIVER_PATH) as typeof BetterSqlite3;
