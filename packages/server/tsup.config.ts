import { defineConfig } from 'tsup';

export default defineConfig({
  // The JSON body thread loads its file by URL, next to the bundle (see json-body-thread.ts).
  entry: { index: 'src/index.ts', 'json-body-parse': 'src/validation/json-body-parse.js' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
