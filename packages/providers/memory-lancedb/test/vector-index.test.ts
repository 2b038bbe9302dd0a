import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { CreateMemoryBankRequest, MemoryBankDocument, QueryDocumentsRequest } from '@llama-stack-ts/core';
import { cosineSimilarity, describeWithModels } from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LanceDbMemoryConfigInput } from '../src/lancedb-config.js';
import type { LanceDbMemoryBanks } from '../src/lancedb-memory-banks.js';
import { bankTableNames } from '../src/storage/bank-tables.js';
import { Model2vecTestEmbedder } from './support/model2vec-test-embedder.js';
import { startMemoryBanks } from './support/start-memory-banks.js';
import { model2vecFiles } from './support/test-models.js';

const words = (
  'refund parcel delivery keyboard warranty laptop battery screen cable charger invoice payment customer ' +
  'support office holiday travel expense receipt manager team project deadline meeting report budget policy ' +
  'security network weather database password login music guitar doctor hospital train platform market revenue'
).split(' ');

/** A document of `sentences` seeded pseudo-random sentences, so every run indexes the same chunks. */
function documentText(seed: number, sentences: number): string {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Array.from(
    { length: sentences },
    () =>
      `${Array.from({ length: 6 + Math.floor(next() * 8) }, () => words[Math.floor(next() * words.length)]).join(' ')}.`,
  ).join(' ');
}

const documents = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    MemoryBankDocument.parse({
      uuid: `doc-${index}`,
      content: documentText(index + 1, 40),
      mime_type: 'text/plain',
      metadata: { shard: index % 10 === 0 ? 'small' : 'large' },
    }),
  );

describeWithModels('inline::lancedb vector index', model2vecFiles, () => {
  let embedder: Model2vecTestEmbedder;
  let dataDir: string;
  let banks: LanceDbMemoryBanks;
  const config: LanceDbMemoryConfigInput = {
    vector_index: { min_chunks: 400 },
  };

  beforeAll(async () => {
    embedder = await Model2vecTestEmbedder.load();
    dataDir = await mkdtemp(join(tmpdir(), 'lancedb-vector-index-'));
    banks = await startMemoryBanks({ dataDir, embedder, config });
  });

  afterAll(async () => {
    await banks?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Every chunk's vector, read straight from the table: the ground truth of an exact search. */
  async function allChunks() {
    const connection = await connect(join(dataDir, 'lancedb'));
    const table = await connection.openTable(bankTableNames('big').chunks);
    const rows = await table.query().select(['document_id', 'chunk_index', 'text', 'vector']).toArray();
    table.close();
    connection.close();
    return rows.map((row) => ({
      key: `${String(row.document_id)}#${Number(row.chunk_index)}`,
      document: String(row.document_id),
      text: String(row.text),
      vector: Array.from(row.vector as Iterable<number>),
    }));
  }

  async function search(query: string, bankUuid = 'big') {
    const response = await banks.queryDocuments(
      QueryDocumentsRequest.parse({
        bank_uuid: bankUuid,
        query,
        params: { mode: 'vector', max_chunks: 10 },
      }),
    );
    return response;
  }

  it('searches exactly below min_chunks, then builds the index once the bank passes it', async () => {
    await banks.createMemoryBank(
      CreateMemoryBankRequest.parse({
        bank_uuid: 'big',
        bank_name: 'Many chunks',
        embedding_model: Model2vecTestEmbedder.modelId,
        chunk_size_in_tokens: 16,
        overlap_size_in_tokens: 2,
        documents: documents(4),
      }),
    );
    await banks.idle();
    const small = await banks.vectorIndexStatus('big');
    expect(small).toMatchObject({ search: 'exact', indexed: false });
    expect(small.chunk_count).toBeGreaterThan(0);
    expect(small.chunk_count).toBeLessThan(400);

    await banks.insertDocuments({ bank_uuid: 'big', documents: documents(40).slice(4) });
    await banks.idle();
    const large = await banks.vectorIndexStatus('big');
    expect(large.chunk_count).toBeGreaterThanOrEqual(400);
    expect(large).toMatchObject({ search: 'ivf_pq', indexed: true, building: false });
    expect(large.trained_rows).toBe(large.chunk_count);
  });

  it('with read_consistency_interval_s 0, a provider that has the bank open searches with the index another one built', async () => {
    const sharedDir = await mkdtemp(join(tmpdir(), 'lancedb-vector-index-shared-'));
    const sharedConfig = { ...config, read_consistency_interval_s: 0 };
    const writer = await startMemoryBanks({ dataDir: sharedDir, embedder, config: sharedConfig });
    const reader = await startMemoryBanks({ dataDir: sharedDir, embedder, config: sharedConfig });
    try {
      await writer.createMemoryBank(
        CreateMemoryBankRequest.parse({
          bank_uuid: 'shared',
          bank_name: 'Written by another server',
          embedding_model: Model2vecTestEmbedder.modelId,
          chunk_size_in_tokens: 16,
          overlap_size_in_tokens: 2,
          documents: documents(4),
        }),
      );
      expect(await reader.vectorIndexStatus('shared')).toMatchObject({ search: 'exact', indexed: false });

      await writer.insertDocuments({ bank_uuid: 'shared', documents: documents(40).slice(4) });
      await writer.idle();
      const built = await writer.vectorIndexStatus('shared');
      expect(built).toMatchObject({ search: 'ivf_pq', indexed: true });
      expect(await reader.vectorIndexStatus('shared')).toEqual(built);
    } finally {
      await reader.dispose();
      await writer.dispose();
      await rm(sharedDir, { recursive: true, force: true });
    }
  });

  it('finds what an exact search finds, with exact cosine scores', async () => {
    const chunks = await allChunks();
    let found = 0;
    const queries = [
      'laptop battery warranty',
      'travel expense receipt',
      'doctor hospital train',
      'password login',
    ];
    for (const query of queries) {
      const response = await search(query);
      const [queryVector] = (
        await embedder.embeddings({ model: Model2vecTestEmbedder.modelId, contents: [query] })
      ).embeddings;
      const exact = chunks
        .map((chunk) => ({ ...chunk, score: cosineSimilarity(queryVector!, chunk.vector) }))
        .sort((a, b) => b.score - a.score);
      const tenth = exact[9]!.score;
      expect(response.scores).toHaveLength(10);
      // Scores are the exact cosine of the returned chunk (the index's candidates are re-ranked).
      const exactScore = new Map(exact.map((chunk) => [`${chunk.document}\u0000${chunk.text}`, chunk.score]));
      response.chunks.forEach((chunk, index) => {
        expect(response.scores[index]).toBeCloseTo(
          exactScore.get(`${chunk.document_id}\u0000${chunk.content}`)!,
          5,
        );
        if (index > 0) expect(response.scores[index]).toBeLessThanOrEqual(response.scores[index - 1]! + 1e-9);
      });
      // Tie-aware recall: a result counts when it scores at least as high as the exact tenth.
      found += response.scores.filter((score) => score >= tenth - 1e-6).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('searches a filter that leaves few chunks exactly, so none of them is missed', async () => {
    const chunks = await allChunks();
    const smallShard = new Set(Array.from({ length: 4 }, (_, index) => `doc-${index * 10}`));
    const candidates = chunks.filter((chunk) => smallShard.has(chunk.document));
    // One partition probed of about twenty: through the index, most filtered chunks would be out of reach.
    const narrow = await startMemoryBanks({
      dataDir,
      embedder,
      config: { vector_index: { min_chunks: 400, nprobes: 1 } },
    });
    try {
      const response = await narrow.queryDocuments(
        QueryDocumentsRequest.parse({
          bank_uuid: 'big',
          query: 'budget meeting deadline',
          params: { mode: 'vector', max_chunks: candidates.length, filters: { shard: 'small' } },
        }),
      );
      expect(response.chunks).toHaveLength(candidates.length);
      expect(response.chunks.every((chunk) => smallShard.has(chunk.document_id))).toBe(true);
    } finally {
      await narrow.dispose();
    }
  });

  it('goes on taking writes while the index builds, and loses none of them', async () => {
    const uuid = 'busy';
    await banks.createMemoryBank(
      CreateMemoryBankRequest.parse({
        bank_uuid: uuid,
        bank_name: 'Written to while indexing',
        embedding_model: Model2vecTestEmbedder.modelId,
        chunk_size_in_tokens: 16,
        overlap_size_in_tokens: 2,
        documents: documents(40),
      }),
    );
    // The create crossed min_chunks: the build has started and the create returned without it.
    expect(await banks.vectorIndexStatus(uuid)).toMatchObject({ building: true, indexed: false });
    const late = [
      'A zebra crossing near the harbour.',
      'Violin lessons on Tuesday evenings.',
      'The volcano erupted over the glacier.',
      'Pancakes with maple syrup and blueberries.',
      'The astronaut repaired the satellite antenna.',
    ].map((content, index) =>
      MemoryBankDocument.parse({ uuid: `late-${index}`, content, mime_type: 'text/plain' }),
    );
    const buildingAfterWrite: boolean[] = [];
    for (const document of late) {
      await banks.insertDocuments({ bank_uuid: uuid, documents: [document] });
      buildingAfterWrite.push((await banks.vectorIndexStatus(uuid)).building);
    }
    // The first write landed while the build still ran: it did not wait for the build.
    expect(buildingAfterWrite[0]).toBe(true);

    await banks.idle();
    const status = await banks.vectorIndexStatus(uuid);
    expect(status).toMatchObject({ search: 'ivf_pq', indexed: true, building: false });
    const stored = await banks.getDocuments({ bank_uuid: uuid, document_uuids: late.map((d) => d.uuid) });
    expect(stored.map((document) => document.content)).toEqual(late.map((document) => document.content));
    const connection = await connect(join(dataDir, 'lancedb'));
    const table = await connection.openTable(bankTableNames(uuid).chunks);
    expect(status.chunk_count).toBe(await table.countRows());
    const lateChunks = await table.countRows(`document_id LIKE 'late-%'`);
    table.close();
    connection.close();
    expect(lateChunks).toBe(late.length);
    for (const document of late) {
      const response = await banks.queryDocuments(
        QueryDocumentsRequest.parse({
          bank_uuid: uuid,
          query: document.content,
          params: { mode: 'vector', max_chunks: 1 },
        }),
      );
      expect(response.chunks[0]?.document_id).toBe(document.uuid);
    }
  });

  it('drops a bank whose index is building, and creates it again from nothing', async () => {
    const create = (count: number) =>
      banks.createMemoryBank(
        CreateMemoryBankRequest.parse({
          bank_uuid: 'doomed',
          bank_name: 'Dropped mid-build',
          embedding_model: Model2vecTestEmbedder.modelId,
          chunk_size_in_tokens: 16,
          overlap_size_in_tokens: 2,
          documents: documents(count),
        }),
      );
    await create(40);
    expect((await banks.vectorIndexStatus('doomed')).building).toBe(true);
    await banks.dropMemoryBank({ bank_uuid: 'doomed' });
    expect((await banks.listMemoryBanks()).map((bank) => bank.uuid)).not.toContain('doomed');

    await create(2);
    await banks.idle();
    const status = await banks.vectorIndexStatus('doomed');
    expect(status).toMatchObject({ search: 'exact', indexed: false, building: false });
    expect(status.chunk_count).toBeLessThan(400);
    const response = await search('laptop battery', 'doomed');
    expect(response.chunks.length).toBeGreaterThan(0);
    expect(response.chunks.every((chunk) => ['doc-0', 'doc-1'].includes(chunk.document_id))).toBe(true);
  });

  it('keeps the index across a restart and folds new writes into it', async () => {
    await banks.dispose();
    banks = await startMemoryBanks({ dataDir, embedder, config });
    const reopened = await banks.vectorIndexStatus('big');
    expect(reopened).toMatchObject({ search: 'ivf_pq', indexed: true });
    await banks.insertDocuments({
      bank_uuid: 'big',
      documents: [
        MemoryBankDocument.parse({
          uuid: 'late',
          content: 'A zebra crossing near the harbour.',
          mime_type: 'text/plain',
        }),
      ],
    });
    await banks.idle();
    expect((await banks.vectorIndexStatus('big')).chunk_count).toBe(reopened.chunk_count + 1);
    const response = await search('zebra crossing harbour');
    expect(response.chunks[0]?.document_id).toBe('late');
  });
});
