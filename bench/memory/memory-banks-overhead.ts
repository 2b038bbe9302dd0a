/**
 * What serving memory banks (inline::lancedb) over HTTP costs, next to the raw libraries, in one
 * process run. The stack runs from a manifest (createStack) behind `startStackServer` (the
 * `createStackApp` Hono app on a real loopback socket, access log on, written to /dev/null):
 *
 *   a. ingest: chunks per second of POST /memory_bank/insert into a fresh bank whose embedding
 *      model is inline::transformers on the synthetic tiny-random-bert embedder (one chunk per
 *      document, documents sent in requests of 256), divided by raw transformers.js
 *      (`pipeline('feature-extraction')`, same texts, same dtype, batches of the same size) on the
 *      same texts. Raw and stack rounds interleave; medians. Target >= 0.9. The clock stops at the
 *      last response: the rows are stored and found by vector search by then; the provider folds
 *      them into the full-text index once writes pause (a keyword search waits for that).
 *   b. query latency, p50 and p99, of POST /memory_bank/query (mode vector, max_chunks 10) on a
 *      bank of BENCH_CHUNKS chunks (default 100,000), against the same search through
 *      @lancedb/lancedb directly: same table, same query vector, same k, same nprobes and
 *      refine_factor, same columns. The two alternate query by query. Target: p50 overhead < 3 ms.
 *   c. recall@10 of the bank's indexed search (as served over HTTP) against an exact search
 *      (`bypassVectorIndex`) of the same table. Target >= 0.95.
 *
 * How the large bank is filled: the bank is created empty over HTTP (embedding model
 * inline::model2vec on minishlab/test-model-vocab-quantized), the stack is closed, and the rows are
 * appended to the bank's own LanceDB tables (`bankTableNames`): chunks of 8-48 words from the
 * model's vocabulary, 100 per document, each document on one of 500 topics (see
 * `makeTopicalTexts`; queries of 4-16 words likewise), embedded by the same model2vec provider. Inserting them over HTTP would take hours on this machine (each write also
 * keeps the full-text index current), which is not what (b) and (c) measure. The stack then starts
 * again and, as on any start, indexes what it has not (full-text, then the vector index in the
 * background); the script waits for both before it queries. The query vector of the raw side is
 * the same model2vec embedding the stack computes from the query text, so the stack's time
 * includes embedding the query (a model2vec lookup, well under a millisecond).
 *
 *   pnpm --filter @llama-stack-ts/bench run memory
 *
 * Env: LLAMA_STACK_TS_TEST_MODELS (default ../shared/models from the repository root);
 * BENCH_CHUNKS (default 100000), BENCH_QUERIES (default 300), BENCH_INGEST_CHUNKS (default 4096),
 * BENCH_ROUNDS (ingest rounds, default 5). These machines are shared and noisy: read the ratios.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from '@huggingface/transformers';
import { connect } from '@lancedb/lancedb';
import type { Inference } from '@llama-stack-ts/core';
import model2VecProviderSpec from '@llama-stack-ts/provider-embeddings-model2vec';
import transformersProviderSpec from '@llama-stack-ts/provider-embeddings-transformers';
import lanceDbMemoryProviderSpec, {
  bankTableNames,
  LanceDbMemoryConfig,
} from '@llama-stack-ts/provider-memory-lancedb';
import { seededRandom } from '@llama-stack-ts/provider-utils/test';
import { startStackServer } from '@llama-stack-ts/server';
import { createStack, type DistributionManifestInput, silentLogger } from '@llama-stack-ts/stack';
import { pino } from 'pino';
import { modelsDir, requireModelFolders } from '../test-models.js';

const transformersFolder = join(modelsDir, 'synthetic/tiny-random-bert-embedder');
const model2VecFolder = join(modelsDir, 'minishlab/test-model-vocab-quantized');
const bankChunks = Number(process.env.BENCH_CHUNKS ?? 100_000);
const queryCount = Number(process.env.BENCH_QUERIES ?? 300);
const ingestChunks = Number(process.env.BENCH_INGEST_CHUNKS ?? 4096);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const batchSize = 32;
const documentsPerRequest = 256;
const k = 10;
const chunksPerDocument = 100;

requireModelFolders([transformersFolder, model2VecFolder]);

// The provider's defaults, so the raw side searches with the same settings as the bank.
const { vector_index: indexConfig } = LanceDbMemoryConfig.parse({});
if (bankChunks < indexConfig.min_chunks) {
  // (b) and (c) measure the indexed search, which a bank only gets from min_chunks chunks on.
  console.error(
    `BENCH_CHUNKS must be at least ${indexConfig.min_chunks} (vector_index.min_chunks); got ${bankChunks}`,
  );
  process.exit(1);
}

/** Words of the model2vec model's own vocabulary, so texts embed to varied vectors. */
const vocabulary = (() => {
  const tokenizer = JSON.parse(readFileSync(join(model2VecFolder, 'tokenizer.json'), 'utf8')) as {
    model: { vocab: [string, number][] | Record<string, number> };
  };
  const pieces = Array.isArray(tokenizer.model.vocab)
    ? tokenizer.model.vocab.map(([piece]) => piece)
    : Object.keys(tokenizer.model.vocab);
  return pieces
    .map((piece) => piece.replace(/^▁/, ''))
    .filter((word) => /^[a-z]{4,}$/.test(word))
    .slice(0, 5000);
})();

/** Seeded texts of `min` to `max` words, the same on every run. */
function makeTexts(count: number, seed: number, min: number, max: number): string[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Array.from(
      { length: min + Math.floor(next() * (max - min)) },
      () => vocabulary[Math.floor(next() * vocabulary.length)],
    ).join(' '),
  );
}

const topicCount = 500;
const wordsPerTopic = 40;

/**
 * Texts about something: each text draws 80% of its words from one of `topicCount` topics (40
 * words each) and the rest from the whole vocabulary, so their embeddings cluster as those of a
 * real collection do. `topicOf(index)` picks each text's topic. Seeded, the same on every run.
 */
function makeTopicalTexts(
  count: number,
  seed: number,
  min: number,
  max: number,
  topicOf: (index: number, next: () => number) => number,
): string[] {
  const next = seededRandom(seed);
  const topics = Array.from({ length: topicCount }, () =>
    Array.from({ length: wordsPerTopic }, () => vocabulary[Math.floor(next() * vocabulary.length)]!),
  );
  return Array.from({ length: count }, (_, index) => {
    const topic = topics[topicOf(index, next)]!;
    return Array.from({ length: min + Math.floor(next() * (max - min)) }, () =>
      next() < 0.8
        ? topic[Math.floor(next() * topic.length)]
        : vocabulary[Math.floor(next() * vocabulary.length)],
    ).join(' ');
  });
}

const percentile = (values: number[], fraction: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
};
const median = (values: number[]) => percentile(values, 0.5);

const dataDir = await mkdtemp(join(tmpdir(), 'lsts-bench-memory-'));
const manifest: DistributionManifestInput = {
  name: 'bench-memory',
  data_dir: dataDir,
  providers: {
    inference: [
      {
        provider_id: 'transformers',
        provider_type: 'inline::transformers',
        config: { max_batch_size: batchSize },
      },
      { provider_id: 'model2vec', provider_type: 'inline::model2vec', config: {} },
    ],
    memory_banks: [{ provider_id: 'lancedb', provider_type: 'inline::lancedb', config: {} }],
  },
  models: [
    {
      model_id: 'bert',
      provider_id: 'transformers',
      provider_model_id: transformersFolder,
      model_type: 'embedding',
      metadata: { pooling: 'mean' },
    },
    {
      model_id: 'static',
      provider_id: 'model2vec',
      provider_model_id: model2VecFolder,
      model_type: 'embedding',
    },
  ],
};

async function startServer() {
  const stack = await createStack(manifest, {
    providers: [transformersProviderSpec, model2VecProviderSpec, lanceDbMemoryProviderSpec],
    logger: silentLogger,
  });
  const server = await startStackServer(stack, {
    port: 0,
    logger: pino({ level: 'info' }, pino.destination('/dev/null')),
  });
  return { stack, server };
}

/** One call to the stack: `query` in the URL, `body` as JSON (routes under /memory_bank/ take a bare array). */
async function call<Response>(
  method: 'POST' | 'DELETE',
  url: string,
  query: Record<string, string>,
  body?: unknown,
): Promise<Response> {
  const search = new URLSearchParams(query);
  const response = await fetch(`${url}?${search}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as Response;
}

try {
  // -- a. ingest ----------------------------------------------------------------------------------
  const ingestTexts = makeTexts(ingestChunks, 42, 20, 80);
  console.log(
    `a. ingest: ${ingestChunks} chunks of 20-80 words (one per document, ${documentsPerRequest} documents a request), ` +
      `batches of ${batchSize}, ${rounds} interleaved rounds (+1 warm-up), medians`,
  );
  const extractor = await pipeline('feature-extraction', transformersFolder, {
    dtype: 'q8',
    local_files_only: true,
  });
  async function rawIngest(): Promise<number> {
    const started = performance.now();
    for (let start = 0; start < ingestTexts.length; start += batchSize) {
      const output = await extractor(ingestTexts.slice(start, start + batchSize), {
        pooling: 'mean',
        normalize: true,
      });
      output.tolist();
    }
    return ingestChunks / ((performance.now() - started) / 1000);
  }

  let { stack, server } = await startServer();
  let round = 0;
  async function stackIngest(): Promise<number> {
    const bank = `ingest-${round++}`;
    await call('POST', `${server.url}/memory_banks/create`, {
      bank_uuid: bank,
      bank_name: bank,
      embedding_model: 'bert',
      chunk_size_in_tokens: '512',
      overlap_size_in_tokens: '0',
    });
    const started = performance.now();
    for (let start = 0; start < ingestTexts.length; start += documentsPerRequest) {
      await call(
        'POST',
        `${server.url}/memory_bank/insert`,
        { bank_uuid: bank },
        ingestTexts.slice(start, start + documentsPerRequest).map((content, index) => ({
          uuid: `doc-${start + index}`,
          content,
          mime_type: 'text/plain',
        })),
      );
    }
    const perSecond = ingestChunks / ((performance.now() - started) / 1000);
    await call('DELETE', `${server.url}/memory_banks/drop`, { bank_uuid: bank });
    return perSecond;
  }
  await rawIngest();
  await stackIngest();
  const rawRates: number[] = [];
  const stackRates: number[] = [];
  for (let index = 0; index < rounds; index++) {
    rawRates.push(await rawIngest());
    stackRates.push(await stackIngest());
  }
  await extractor.dispose();
  const rawRate = median(rawRates);
  const stackRate = median(stackRates);
  console.log(`   transformers.js pipeline (raw)   ${rawRate.toFixed(0).padStart(7)} chunks/s`);
  console.log(
    `   POST /memory_bank/insert (stack) ${stackRate.toFixed(0).padStart(7)} chunks/s   ratio stack/raw ${(stackRate / rawRate).toFixed(2)} (target >= 0.9)`,
  );

  // -- fill the large bank ------------------------------------------------------------------------
  await call('POST', `${server.url}/memory_banks/create`, {
    bank_uuid: 'large',
    bank_name: 'large',
    embedding_model: 'static',
    chunk_size_in_tokens: '64',
    overlap_size_in_tokens: '8',
  });
  const model2vec = stack.apis.inference as Inference;
  let started = performance.now();
  const chunkTexts = makeTopicalTexts(
    bankChunks,
    7,
    8,
    48,
    (index) => Math.floor(index / chunksPerDocument) % topicCount,
  );
  const vectors: number[][] = [];
  for (let start = 0; start < chunkTexts.length; start += 4096) {
    const { embeddings } = await model2vec.embeddings({
      model: 'static',
      contents: chunkTexts.slice(start, start + 4096),
    });
    vectors.push(...embeddings);
  }
  const queryTexts = makeTopicalTexts(queryCount, 7, 4, 16, (_, next) => Math.floor(next() * topicCount));
  const { embeddings: queryVectors } = await model2vec.embeddings({ model: 'static', contents: queryTexts });
  const embedSeconds = (performance.now() - started) / 1000;
  await server.close();

  started = performance.now();
  const tables = bankTableNames('large');
  const connection = await connect(join(dataDir, 'lancedb', 'lancedb'));
  {
    const chunks = await connection.openTable(tables.chunks);
    const documents = await connection.openTable(tables.documents);
    for (let start = 0; start < bankChunks; start += 20_000) {
      await chunks.add(
        chunkTexts.slice(start, start + 20_000).map((text, offset) => {
          const index = start + offset;
          return {
            document_id: `doc-${Math.floor(index / chunksPerDocument)}`,
            chunk_index: index % chunksPerDocument,
            text,
            token_count: text.split(' ').length,
            text_hash: String(index),
            metadata: '{}',
            vector: vectors[index]!,
          };
        }),
      );
    }
    await documents.add(
      Array.from({ length: Math.ceil(bankChunks / chunksPerDocument) }, (_, index) => ({
        uuid: `doc-${index}`,
        content: chunkTexts.slice(index * chunksPerDocument, (index + 1) * chunksPerDocument).join(' '),
        mime_type: 'text/plain',
        metadata: '{}',
        text_hash: String(index),
        chunk_count: Math.min(chunksPerDocument, bankChunks - index * chunksPerDocument),
      })),
    );
    chunks.close();
    documents.close();
  }
  const loadSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  ({ stack, server } = await startServer());
  // The first request opens the bank, which indexes the appended rows: full-text now, vectors in the background.
  await call(
    'POST',
    `${server.url}/memory_bank/query`,
    {},
    {
      bank_uuid: 'large',
      query: 'warm',
      params: { mode: 'vector', max_chunks: k },
    },
  );
  const table = await connection.openTable(tables.chunks);
  for (;;) {
    await table.checkoutLatest();
    const indices = await table.listIndices();
    const vectorIndex = indices.find((index) => index.columns.includes('vector'));
    const stats = vectorIndex ? await table.indexStats(vectorIndex.name) : undefined;
    if (stats && stats.numUnindexedRows === 0) break;
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 500));
  }
  const indexSeconds = (performance.now() - started) / 1000;
  // The provider may still be folding in the last rows; its next write or query sees the index.
  await new Promise((resolveSleep) => setTimeout(resolveSleep, 1000));
  console.log(
    `\nbank 'large': ${bankChunks} chunks (${model2VecFolder.split('/').slice(-2).join('/')}, 64 dimensions): ` +
      `embedded in ${embedSeconds.toFixed(1)} s, appended in ${loadSeconds.toFixed(1)} s, ` +
      `full-text + ${indexConfig.type} indexed by the restarted stack in ${indexSeconds.toFixed(1)} s`,
  );

  // -- b. query latency ---------------------------------------------------------------------------
  const columns = ['document_id', 'chunk_index', 'text', 'token_count', 'metadata', '_distance'];
  const rawQuery = (vector: number[]) =>
    table
      .vectorSearch(vector)
      .distanceType('cosine')
      .nprobes(indexConfig.nprobes)
      .refineFactor(indexConfig.refine_factor)
      .select(columns)
      .limit(k)
      .toArray();
  const stackQuery = (text: string) =>
    call<{ chunks: { document_id: string; content: string }[]; scores: number[] }>(
      'POST',
      `${server.url}/memory_bank/query`,
      {},
      {
        bank_uuid: 'large',
        query: text,
        params: { mode: 'vector', max_chunks: k },
      },
    );
  for (let index = 0; index < Math.min(20, queryCount); index++) {
    await rawQuery(queryVectors[index]!);
    await stackQuery(queryTexts[index]!);
  }
  const rawMs: number[] = [];
  const stackMs: number[] = [];
  const served: { document_id: string; content: string }[][] = [];
  for (let index = 0; index < queryCount; index++) {
    let begin = performance.now();
    await rawQuery(queryVectors[index]!);
    rawMs.push(performance.now() - begin);
    begin = performance.now();
    served.push((await stackQuery(queryTexts[index]!)).chunks);
    stackMs.push(performance.now() - begin);
  }
  console.log(
    `\nb. query latency at ${bankChunks} chunks, k ${k}, ${indexConfig.type} nprobes ${indexConfig.nprobes} refine_factor ${indexConfig.refine_factor}, ${queryCount} queries alternating`,
  );
  const row = (label: string, values: number[]) =>
    `   ${label} p50 ${percentile(values, 0.5).toFixed(2).padStart(6)} ms   p99 ${percentile(values, 0.99).toFixed(2).padStart(6)} ms`;
  console.log(row('@lancedb/lancedb (raw)          ', rawMs));
  console.log(row('POST /memory_bank/query (stack) ', stackMs));
  console.log(
    `   overhead p50 ${(percentile(stackMs, 0.5) - percentile(rawMs, 0.5)).toFixed(2)} ms (target < 3 ms), ` +
      `p99 ${(percentile(stackMs, 0.99) - percentile(rawMs, 0.99)).toFixed(2)} ms`,
  );

  // -- c. recall@10 -------------------------------------------------------------------------------
  let found = 0;
  const exactMs: number[] = [];
  for (let index = 0; index < queryCount; index++) {
    const begin = performance.now();
    const exact = await table
      .vectorSearch(queryVectors[index]!)
      .distanceType('cosine')
      .bypassVectorIndex()
      .select(['document_id', 'text', '_distance'])
      .limit(k)
      .toArray();
    exactMs.push(performance.now() - begin);
    const truth = new Set(exact.map((hit) => `${String(hit.document_id)}\u0000${String(hit.text)}`));
    found += served[index]!.filter((chunk) => truth.has(`${chunk.document_id}\u0000${chunk.content}`)).length;
  }
  console.log(
    `\nc. recall@${k} of the served (indexed) search against exact search: ${(found / (queryCount * k)).toFixed(3)} (target >= 0.95); ` +
      `exact search p50 ${median(exactMs).toFixed(2)} ms`,
  );
  table.close();
  connection.close();
  await server.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
