import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MemoryBankDocument,
  type MemoryBanks,
  NotFoundError,
  QueryDocumentsRequest,
} from '@llama-stack-ts/core';
import { model2VecProviderSpec } from '@llama-stack-ts/provider-embeddings-model2vec';
import { describeWithModels } from '@llama-stack-ts/provider-utils/test';
import { createStack, type DistributionManifestInput, silentLogger } from '@llama-stack-ts/stack';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { lanceDbMemoryProviderSpec } from '../src/lancedb-provider-spec.js';
import { model2vecDir, model2vecFiles } from './support/test-models.js';

/** A distribution of two real providers: model2vec embeddings behind the inference router, LanceDB banks. */
const manifest = (dataDir: string): DistributionManifestInput => ({
  name: 'memory-test',
  data_dir: dataDir,
  providers: {
    inference: [{ provider_id: 'static', provider_type: 'inline::model2vec', config: {} }],
    memory_banks: [{ provider_id: 'lancedb', provider_type: 'inline::lancedb', config: {} }],
  },
  models: [
    {
      model_id: 'minilm-static',
      provider_id: 'static',
      provider_model_id: model2vecDir,
      model_type: 'embedding',
    },
  ],
  memory_banks: [
    {
      memory_bank_id: 'handbook',
      name: 'Employee handbook',
      embedding_model: 'minilm-static',
      params: { chunk_size_in_tokens: 64, overlap_size_in_tokens: 8 },
    },
  ],
});

describeWithModels(
  'inline::lancedb inside a stack (resolver, inference router, manifest banks)',
  model2vecFiles,
  () => {
    let dataDir: string;
    beforeEach(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'lancedb-stack-'));
    });
    afterEach(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    const start = () =>
      createStack(manifest(dataDir), {
        providers: [model2VecProviderSpec, lanceDbMemoryProviderSpec],
        logger: silentLogger,
      });

    it('creates the manifest bank under the data directory, indexes through inference, and keeps it across restarts', async () => {
      {
        await using stack = await start();
        const banks = stack.apis.memory_banks as MemoryBanks;
        expect(await banks.listMemoryBanks({})).toEqual([
          {
            uuid: 'handbook',
            name: 'Employee handbook',
            embedding_model: 'minilm-static',
            chunk_size_in_tokens: 64,
            overlap_size_in_tokens: 8,
          },
        ]);
        await banks.insertDocuments({
          bank_uuid: 'handbook',
          documents: [
            MemoryBankDocument.parse({
              uuid: 'leave',
              content: 'Employees may take up to 16 weeks of paid parental leave after a birth or adoption.',
              mime_type: 'text/plain',
            }),
            MemoryBankDocument.parse({
              uuid: 'expenses',
              content: 'Travel expenses are reimbursed within two weeks once receipts are uploaded.',
              mime_type: 'text/plain',
            }),
          ],
        });
      }
      // <data dir>/<provider_id>/lancedb: the registry table lives there.
      expect(existsSync(join(dataDir, 'lancedb', 'lancedb', 'memory_banks.lance'))).toBe(true);
      await using stack = await start();
      const banks = stack.apis.memory_banks as MemoryBanks;
      const response = await banks.queryDocuments(
        QueryDocumentsRequest.parse({
          bank_uuid: 'handbook',
          query: 'paid leave for new parents',
          params: { mode: 'hybrid' },
        }),
      );
      expect(response.chunks[0]?.document_id).toBe('leave');
      await expect(
        banks.queryDocuments(QueryDocumentsRequest.parse({ bank_uuid: 'elsewhere', query: 'x' })),
      ).rejects.toBeInstanceOf(NotFoundError);
    });
  },
);
