import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  // A command, not a library: no declarations; the shebang makes dist/index.js the bin.
  dts: false,
  target: 'node20',
  sourcemap: true,
  // Not cleaned: other packages type-check against dist while it rebuilds.
  clean: false,
  banner: { js: '#!/usr/bin/env node' },
});
