#!/usr/bin/env node
// Prints the README's configuration table (`| variable | default | meaning |`)
// from @agent/config's variable metadata, so the docs are generated from the
// schema instead of kept in step by hand.
//
// Plain .mjs importing the built package because Node 20 cannot run
// TypeScript directly and no TS runner is installed. Build first:
//   pnpm --filter @agent/config build && node tooling/scripts/config-table.mjs

const distUrl = new URL('../../packages/config/dist/index.js', import.meta.url);

let configTable;
try {
  ({ configTable } = await import(distUrl.href));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write(
    'config-table: packages/config/dist is missing; run `pnpm --filter @agent/config build` first\n',
  );
  process.exit(1);
}

process.stdout.write(configTable());
