import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'models/index': 'src/models/index.ts',
    'transformers/index': 'src/transformers/index.ts',
    'url-fetch/index': 'src/url-fetch/index.ts',
    'test/index': 'src/test/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The ./test entry is used inside vitest suites, which bring their own vitest.
  external: ['vitest', '@huggingface/transformers'],
});
