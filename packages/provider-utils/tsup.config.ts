import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'models/index': 'src/models/index.ts', 'test/index': 'src/test/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
