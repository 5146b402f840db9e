import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  target: 'node20',
  sourcemap: true,
  // Not cleaned: other packages type-check against dist while it rebuilds.
  clean: false,
});
