import { defineConfig } from 'tsup';

export default defineConfig({
  // Each command is its own chunk, loaded only when that command runs: `--help` stays fast.
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  target: 'node20',
});
