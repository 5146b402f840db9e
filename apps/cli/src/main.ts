import { describeError } from '@agent/core';
import { type CliIo, type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-io.js';
import { ANALYZE_USAGE, runAnalyze } from './commands/analyze.js';
import { LICENSE_USAGE, runLicense } from './commands/license.js';
import { MIGRATE_USAGE, runMigrate } from './commands/migrate.js';
import { runTemplates, TEMPLATES_USAGE } from './commands/templates.js';

// The dispatcher: the first argument names the command, the rest is the
// command's. Each command lives in src/commands/<name>.ts and is one line here.

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  templates: { run: runTemplates, usage: TEMPLATES_USAGE },
  analyze: { run: runAnalyze, usage: ANALYZE_USAGE },
  migrate: { run: runMigrate, usage: MIGRATE_USAGE },
  license: { run: runLicense, usage: LICENSE_USAGE },
};

export function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.replace(/^usage: /, '')}`);
  return `usage: devops-agent <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

/** Runs the command line; resolves to the exit status (0 ok, 2 usage error, 1 other failure). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '') {
    io.stderr.write(usage());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return EXIT_OK;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`devops-agent: unknown command "${name}"\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr.write(`devops-agent ${name}: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }
}
