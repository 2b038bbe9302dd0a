// Run as its own Node process by lancedb-native-log.test.ts, which reads its stderr. Creates a
// bank the way a stack does (LanceDB's native module loads inside the provider's create), writes
// to it until a vector index is built, searches it, disposes it, and prints what it saw as JSON.
// Arguments: the data directory, the model2vec model directory. It imports nothing of Vitest.
import {
  CreateMemoryBankRequest,
  type Inference,
  type ProviderLogger,
  QueryDocumentsRequest,
} from '@llama-stack-ts/core';
import { model2VecProviderSpec } from '@llama-stack-ts/provider-embeddings-model2vec';
import { LanceDbMemoryConfig } from '../../src/lancedb-config.js';
import { lanceDbMemoryProviderSpec } from '../../src/lancedb-provider-spec.js';

const [dataDir, modelDir] = process.argv.slice(2);
if (!dataDir || !modelDir)
  throw new Error('usage: create-bank-process.ts <data directory> <model directory>');

const warnings: string[] = [];
const logger: ProviderLogger = {
  info: () => undefined,
  warn: (message) => warnings.push(message),
  error: (message) => warnings.push(message),
};
const model = {
  identifier: 'model2vec-test',
  provider_id: 'model2vec',
  provider_resource_id: modelDir,
  model_type: 'embedding' as const,
  metadata: {},
};
const embeddings = await model2VecProviderSpec.create(model2VecProviderSpec.configSchema.parse({}), {
  providerId: 'model2vec',
  dataDir: modelDir,
  deps: {},
  models: [model],
  logger,
});
const memoryBanks = await lanceDbMemoryProviderSpec.create(
  LanceDbMemoryConfig.parse({ vector_index: { min_chunks: 300 } }),
  {
    providerId: 'lancedb',
    dataDir,
    // The provider calls embeddings alone; a stack would hand it its whole inference router.
    deps: { inference: embeddings.implementation as Inference },
    models: [],
    logger,
    memoryBanks: [],
  },
);
const banks = memoryBanks.implementation;

const sentence = (index: number) =>
  `Parcel ${index} leaves the Rotterdam warehouse on day ${index % 7} with a tracked courier.`;
await banks.createMemoryBank(
  CreateMemoryBankRequest.parse({
    bank_uuid: 'handbook',
    bank_name: 'Handbook',
    embedding_model: model.identifier,
    chunk_size_in_tokens: 16,
    overlap_size_in_tokens: 2,
    documents: [
      {
        uuid: 'shipping',
        content: Array.from({ length: 400 }, (_, index) => sentence(index)).join(' '),
        mime_type: 'text/plain',
      },
    ],
  }),
);
await banks.idle();
const { chunks } = await banks.queryDocuments(
  QueryDocumentsRequest.parse({
    bank_uuid: 'handbook',
    query: 'tracked courier',
    params: { mode: 'hybrid' },
  }),
);
const { indexed } = await banks.vectorIndexStatus('handbook');
await memoryBanks.dispose?.();
await embeddings.dispose?.();
console.log(JSON.stringify({ found: chunks.length, indexed, warnings }));
