import { parseArgs } from 'node:util';
import { describeError } from '@agent/core';
import { type CliIo, EXIT_FAILURE, EXIT_OK, parseCommandArgs, UsageError } from '../cli-io.js';
import { storeFromEnvironment } from '../env.js';
import { storeTarget } from '../open-store.js';

// devops-agent migrate [--db PATH]
//
// Applies the knowledge store's pending migrations and reports what it did.
// The store is --db (a SQLite file or a postgres:// URL), else the one the
// environment configures: DATABASE_URL, else DB_PATH (default
// devops_knowledge.db in the current directory).

export const MIGRATE_USAGE = 'usage: devops-agent migrate [--db PATH|postgres://...]';

export async function runMigrate(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parseCommandArgs(
    argv,
    (args) => {
      const { values, positionals } = parseMigrateArgs(args);
      if (values.help) return 'help';
      if (positionals.length > 0)
        throw new UsageError(`migrate: unexpected argument "${positionals[0]}"`);
      if (values.db !== undefined && values.db.trim() === '')
        throw new UsageError('migrate: --db needs a path');
      return { db: values.db };
    },
    MIGRATE_USAGE,
    io,
  );
  if (typeof options === 'number') return options;
  const { db } = options;
  try {
    const target = db !== undefined ? storeTarget(db) : storeFromEnvironment();
    const { runMigrations } = await import('@agent/knowledge');
    const report = await runMigrations(target);
    const where = target.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : target.dbPath;
    if (report.applied.length === 0) {
      io.stdout.write(`${where}: schema already current (${report.current})\n`);
    } else {
      io.stdout.write(
        `${where}: applied ${report.applied.length} migration${report.applied.length === 1 ? '' : 's'}: ${report.applied.join(', ')}\n` +
          `${where}: schema now at ${report.current}\n`,
      );
    }
    return EXIT_OK;
  } catch (error) {
    io.stderr.write(`migrate: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }
}

function parseMigrateArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`migrate: ${describeError(error)}`);
  }
}
