/**
 * Embedding throughput for memory banks: how many document chunks per second each embedding
 * provider indexes, next to the raw library on the same model and texts, in one process run.
 * These machines are shared and noisy, so read the ratios, not the absolute numbers.
 *
 *   pnpm --filter @llama-stack-ts/bench run embeddings-throughput
 *
 * Env: LLAMA_STACK_TS_TEST_MODELS (default ../shared/models from the repository root);
 * BENCH_TRANSFORMERS_MODEL, a transformers.js model folder (default the synthetic test embedder:
 * a 0-layer graph, so it measures the wiring, not a real transformer); BENCH_CHUNKS (default 512);
 * BENCH_ROUNDS (default 5).
 */
import { join, resolve } from 'node:path';
import { pipeline } from '@huggingface/transformers';
import type { Inference, Model, ProviderContext } from '@llama-stack-ts/core';
import model2VecProviderSpec from '@llama-stack-ts/provider-embeddings-model2vec';
import transformersProviderSpec from '@llama-stack-ts/provider-embeddings-transformers';
import { seededRandom } from '@llama-stack-ts/provider-utils/test';
import { modelsDir, repoRoot, requireModelFolders } from '../test-models.js';

const transformersFolder = resolve(
  process.env.BENCH_TRANSFORMERS_MODEL ?? join(modelsDir, 'synthetic/tiny-random-bert-embedder'),
);
const model2VecFolder = join(modelsDir, 'minishlab/test-model-vocab-quantized');
const chunkCount = Number(process.env.BENCH_CHUNKS ?? 512);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const batchSize = 32;

requireModelFolders([transformersFolder, model2VecFolder]);

/** Document chunks of 20 to 80 words from a fixed vocabulary, the same on every run (seeded). */
function makeChunks(count: number): string[] {
  const words = (
    'the a memory bank stores documents chunks embeddings vector search query answer model provider ' +
    'stack server request response token batch index retrieval similarity cosine distance agent tool ' +
    'weather database error password login music guitar doctor hospital train platform market revenue'
  ).split(' ');
  const next = seededRandom(42);
  return Array.from({ length: count }, () =>
    Array.from({ length: 20 + Math.floor(next() * 60) }, () => words[Math.floor(next() * words.length)]).join(
      ' ',
    ),
  );
}

function context(models: Model[]): ProviderContext {
  const quiet = { info() {}, warn() {}, error() {} };
  return { providerId: 'bench', dataDir: join(repoRoot, '.bench-data'), deps: {}, models, logger: quiet };
}

function embeddingModel(identifier: string, folder: string, metadata: Record<string, unknown> = {}): Model {
  return {
    identifier,
    provider_id: 'bench',
    provider_resource_id: folder,
    model_type: 'embedding',
    metadata,
  };
}

/** Median texts per second over `rounds` runs of `run`, after one warm-up run. */
async function measure(run: () => Promise<number[][]>): Promise<{ perSecond: number; vectors: number[][] }> {
  let vectors = await run();
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    vectors = await run();
    rates.push(chunkCount / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { perSecond: rates[Math.floor(rates.length / 2)]!, vectors };
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    dot += a[index]! * b[index]!;
    normA += a[index]! ** 2;
    normB += b[index]! ** 2;
  }
  return dot / Math.sqrt(normA * normB);
}

const chunks = makeChunks(chunkCount);
console.log(
  `embedding ${chunkCount} chunks (20-80 words), batches of ${batchSize}, median of ${rounds} rounds`,
);

// transformers.js: its feature-extraction pipeline (the raw library) against inline::transformers.
const extractor = await pipeline('feature-extraction', transformersFolder, {
  dtype: 'q8',
  local_files_only: true,
});
const raw = await measure(async () => {
  const vectors: number[][] = [];
  for (let start = 0; start < chunks.length; start += batchSize) {
    const output = await extractor(chunks.slice(start, start + batchSize), {
      pooling: 'mean',
      normalize: true,
    });
    vectors.push(...(output.tolist() as number[][]));
  }
  return vectors;
});
await extractor.dispose();

const transformers = await transformersProviderSpec.create(
  transformersProviderSpec.configSchema.parse({ max_batch_size: batchSize }),
  context([embeddingModel('transformers-model', transformersFolder, { pooling: 'mean' })]),
);
const transformersInference = transformers.implementation as Inference;
const stack = await measure(
  async () =>
    (await transformersInference.embeddings({ model: 'transformers-model', contents: chunks })).embeddings,
);
const agreement = Math.min(...raw.vectors.map((vector, index) => cosine(vector, stack.vectors[index]!)));
await transformers.dispose?.();

// model2vec: no JS library to compare with; the provider against itself one text per call shows
// what batching saves, and against transformers.js what a static model saves.
const model2Vec = await model2VecProviderSpec.create(
  model2VecProviderSpec.configSchema.parse({}),
  context([embeddingModel('model2vec-model', model2VecFolder)]),
);
const model2VecInference = model2Vec.implementation as Inference;
const batched = await measure(
  async () =>
    (await model2VecInference.embeddings({ model: 'model2vec-model', contents: chunks })).embeddings,
);
const oneByOne = await measure(async () => {
  const vectors: number[][] = [];
  for (const chunk of chunks) {
    vectors.push(
      ...(await model2VecInference.embeddings({ model: 'model2vec-model', contents: [chunk] })).embeddings,
    );
  }
  return vectors;
});
await model2Vec.dispose?.();

const format = (rate: number) => `${rate.toFixed(0).padStart(8)} chunks/s`;
console.log(`transformers.js pipeline (raw)     ${format(raw.perSecond)}   ${transformersFolder}`);
console.log(
  `inline::transformers (stack)       ${format(stack.perSecond)}   ratio stack/raw ${(stack.perSecond / raw.perSecond).toFixed(2)} (the stack sorts texts by length and tokenizes on a thread of its own), min cosine to raw ${agreement.toFixed(6)}`,
);
console.log(`inline::model2vec, one request     ${format(batched.perSecond)}   ${model2VecFolder}`);
console.log(
  `inline::model2vec, one per chunk   ${format(oneByOne.perSecond)}   ratio batched/one-by-one ${(batched.perSecond / oneByOne.perSecond).toFixed(2)}`,
);
console.log(
  `ratio model2vec/transformers ${(batched.perSecond / stack.perSecond).toFixed(1)} (on the models above)`,
);
