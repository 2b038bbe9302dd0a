import { defineConfig } from 'tsup';

export default defineConfig({
  // The tokenizer's worker thread loads its file by URL, next to the bundle.
  entry: ['src/index.ts', 'src/tokenizer-worker.js'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
