import { defineConfig } from 'tsup';

export default defineConfig({
  // `testing`: the protocol doubles other packages' tests start.
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm'],
  dts: true,
  target: 'node20',
  sourcemap: true,
  // Not cleaned: other packages type-check against dist while it rebuilds.
  clean: false,
});
