import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  target: 'node20',
  sourcemap: true,
  // Not cleaned: other packages type-check against dist while it rebuilds.
  clean: false,
});
