import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect } from '@lancedb/lancedb';
import {
  ConflictError,
  CreateMemoryBankRequest,
  DisposedError,
  ForbiddenError,
  InvalidRequestError,
  MemoryBankDocument,
  type MemoryBankDocumentInput,
  NotFoundError,
  PayloadTooLargeError,
  QueryDocumentsRequest,
  type QueryDocumentsRequestInput,
  QueryDocumentsResponse,
} from '@llama-stack-ts/core';
import { describeWithModels, stackErrorOf } from '@llama-stack-ts/provider-utils/test';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LanceDbMemoryBanks } from '../src/lancedb-memory-banks.js';
import { chunksTableName, documentsTableName, tableKeyOf } from '../src/storage/bank-tables.js';
import { pdfDataUrl } from './support/build-pdf.js';
import { DocumentServer } from './support/document-server.js';
import { Model2vecTestEmbedder } from './support/model2vec-test-embedder.js';
import { startMemoryBanks } from './support/start-memory-banks.js';
import { model2vecFiles } from './support/test-models.js';

const model = Model2vecTestEmbedder.modelId;

const refundsMarkdown = [
  '# Refund policy',
  '',
  'Customers can request a refund within 30 days of purchase. The money goes back to the original payment method within five business days.',
  '',
  '## Exceptions',
  '',
  'Gift cards and downloadable software cannot be refunded once used.',
].join('\n');

const shippingHtml =
  '<html><head><style>h1{color:navy}</style><script>var hidden = "refund";</script></head><body>' +
  '<h1>Shipping</h1><p>We ship worldwide with tracked couriers. Parcels leave our warehouse in Rotterdam within two days.</p>' +
  '<p>Express delivery to Germany and France arrives the next day.</p></body></html>';

const warrantyPdf = pdfDataUrl([
  'Warranty terms.',
  'Every laptop carries a two year warranty covering hardware faults.',
  'Batteries are covered for one year after purchase.',
]);

const faqJson = JSON.stringify({
  store: { city: 'Berlin', hours: 'Monday to Saturday, nine to six' },
  questions: [
    { question: 'Can I pick up my order at the showroom?', answer: 'Yes, at the Berlin showroom.' },
  ],
});

const documents = (): MemoryBankDocumentInput[] => [
  {
    uuid: 'refunds',
    content: refundsMarkdown,
    mime_type: 'text/markdown',
    metadata: { team: 'billing', year: 2024 },
  },
  {
    uuid: 'shipping',
    content: shippingHtml,
    mime_type: 'text/html',
    metadata: { team: 'logistics', year: 2024 },
  },
  {
    uuid: 'warranty',
    content: warrantyPdf,
    mime_type: 'application/pdf',
    metadata: { team: 'support', year: 2023 },
  },
  { uuid: 'faq', content: faqJson, mime_type: 'application/json', metadata: { team: 'support', year: 2024 } },
];

const createRequest = (input: Record<string, unknown> = {}) =>
  CreateMemoryBankRequest.parse({
    bank_uuid: 'store',
    bank_name: 'Store policies',
    embedding_model: model,
    chunk_size_in_tokens: 24,
    overlap_size_in_tokens: 4,
    documents: documents(),
    ...input,
  });

const queryRequest = (query: string, params: QueryDocumentsRequestInput['params'] = {}, bank = 'store') =>
  QueryDocumentsRequest.parse({ bank_uuid: bank, query, params });

const document = (input: MemoryBankDocumentInput) => MemoryBankDocument.parse(input);

interface StoredChunk {
  document_id: string;
  chunk_index: number;
  text: string;
  metadata: string;
  vector: number[];
}

/** Every chunk row of a bank, read straight from its LanceDB table. */
async function storedChunks(dataDir: string, bank: string): Promise<StoredChunk[]> {
  const connection = await connect(join(dataDir, 'lancedb'));
  try {
    const table = await connection.openTable(chunksTableName({ tableKey: tableKeyOf(bank) }));
    const rows = await table.query().toArray();
    table.close();
    return rows
      .map((row) => ({
        document_id: String(row.document_id),
        chunk_index: Number(row.chunk_index),
        text: String(row.text),
        metadata: String(row.metadata),
        vector: Array.from(row.vector as Iterable<number>),
      }))
      .sort((a, b) => a.document_id.localeCompare(b.document_id) || a.chunk_index - b.chunk_index);
  } finally {
    connection.close();
  }
}

describeWithModels('inline::lancedb memory banks', model2vecFiles, () => {
  let embedder: Model2vecTestEmbedder;
  let dataDir: string;
  let filesDir: string;
  let server: DocumentServer;
  let banks: LanceDbMemoryBanks;
  const started: LanceDbMemoryBanks[] = [];

  // The fixture server is on loopback: allowed explicitly, as url_fetch refuses private hosts by default.
  const start = async (config = {}, allowedPrivateHosts = ['127.0.0.1']) => {
    const instance = await startMemoryBanks({
      dataDir,
      embedder,
      config: { max_document_bytes: 64 * 1024, ...config },
      urlPolicy: { allowedFileRoots: [filesDir], allowedPrivateHosts },
    });
    started.push(instance);
    return instance;
  };

  beforeAll(async () => {
    embedder = await Model2vecTestEmbedder.load();
    server = await DocumentServer.start({
      '/returns.txt': {
        contentType: 'text/plain',
        body: 'Returned parcels are inspected at the Rotterdam warehouse.',
      },
    });
  });

  afterAll(async () => {
    await server[Symbol.asyncDispose]();
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lancedb-banks-'));
    filesDir = join(dataDir, 'files');
    await mkdir(filesDir);
    embedder.calls.length = 0;
    embedder.failWhen = undefined;
    banks = await start();
  });

  afterEach(async () => {
    for (const instance of started.splice(0)) await instance.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('banks', () => {
    it('creates a bank with markdown, HTML, PDF and JSON documents and lists it with its settings', async () => {
      await banks.createMemoryBank(createRequest());
      expect(await banks.listMemoryBanks({})).toEqual([
        {
          uuid: 'store',
          name: 'Store policies',
          embedding_model: model,
          chunk_size_in_tokens: 24,
          overlap_size_in_tokens: 4,
        },
      ]);
      const stored = await banks.getDocuments({
        bank_uuid: 'store',
        document_uuids: ['warranty', 'refunds'],
      });
      expect(stored.map((entry) => entry.uuid)).toEqual(['warranty', 'refunds']);
      expect(stored[1]).toEqual(document(documents()[0]!));

      const chunks = await storedChunks(dataDir, 'store');
      const textOf = (id: string) =>
        chunks
          .filter((chunk) => chunk.document_id === id)
          .map((chunk) => chunk.text)
          .join(' ');
      expect(textOf('refunds')).toContain('within 30 days of purchase');
      expect(textOf('shipping')).toContain('Parcels leave our warehouse in Rotterdam');
      expect(textOf('shipping')).not.toMatch(/hidden|navy/);
      expect(textOf('warranty')).toContain('two year warranty covering hardware faults');
      expect(textOf('faq')).toContain('store.city: Berlin');
      expect(chunks.filter((chunk) => chunk.document_id === 'refunds').length).toBeGreaterThan(1);
      expect(chunks.every((chunk) => chunk.vector.length === embedder.dimension)).toBe(true);
    });

    it('creates an empty bank with the provider defaults and refuses one without an embedding model', async () => {
      const defaults = await start({ embedding_model: model });
      await defaults.createMemoryBank(
        CreateMemoryBankRequest.parse({ bank_uuid: 'empty', bank_name: 'Empty' }),
      );
      expect(await defaults.listMemoryBanks({})).toEqual([
        {
          uuid: 'empty',
          name: 'Empty',
          embedding_model: model,
          chunk_size_in_tokens: 512,
          overlap_size_in_tokens: 64,
        },
      ]);
      const error = await stackErrorOf(
        banks.createMemoryBank(CreateMemoryBankRequest.parse({ bank_uuid: 'x', bank_name: 'X' })),
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.field).toBe('embedding_model');
    });

    it('answers 409 for a bank uuid already taken, and 404 for an embedding model inference does not know', async () => {
      await banks.createMemoryBank(createRequest({ documents: [] }));
      const taken = await stackErrorOf(banks.createMemoryBank(createRequest({ documents: [] })));
      expect(taken).toBeInstanceOf(ConflictError);
      expect(taken.field).toBe('bank_uuid');
      const unknownModel = await stackErrorOf(
        banks.createMemoryBank(createRequest({ bank_uuid: 'other', embedding_model: 'no-such-model' })),
      );
      expect(unknownModel).toBeInstanceOf(NotFoundError);
      expect((await banks.listMemoryBanks({})).map((bank) => bank.uuid)).toEqual(['store']);
    });

    it('drops a bank with its tables; the bank is then unknown', async () => {
      await banks.createMemoryBank(createRequest());
      expect(await banks.dropMemoryBank({ bank_uuid: 'store' })).toBe('store');
      expect(await banks.listMemoryBanks({})).toEqual([]);
      expect(await stackErrorOf(banks.queryDocuments(queryRequest('refund')))).toBeInstanceOf(NotFoundError);
      expect(await stackErrorOf(banks.dropMemoryBank({ bank_uuid: 'store' }))).toBeInstanceOf(NotFoundError);
      const connection = await connect(join(dataDir, 'lancedb'));
      const names = await connection.tableNames();
      connection.close();
      expect(names).not.toContain(chunksTableName({ tableKey: tableKeyOf('store') }));
      expect(names).not.toContain(documentsTableName({ tableKey: tableKeyOf('store') }));
      // The uuid is free again.
      await banks.createMemoryBank(createRequest({ documents: documents().slice(0, 1) }));
      expect(
        (await banks.queryDocuments(queryRequest('refund', { mode: 'keyword' }))).chunks.length,
      ).toBeGreaterThan(0);
    });

    it('finds a bank intact after the provider restarts on the same directory', async () => {
      await banks.createMemoryBank(createRequest());
      const before = await banks.queryDocuments(
        queryRequest('laptop warranty hardware', { mode: 'hybrid', max_chunks: 3 }),
      );
      await banks.dispose();
      expect(await stackErrorOf(banks.listMemoryBanks({}))).toBeInstanceOf(DisposedError);

      const reopened = await start();
      expect((await reopened.listMemoryBanks({})).map((bank) => bank.uuid)).toEqual(['store']);
      const after = await reopened.queryDocuments(
        queryRequest('laptop warranty hardware', { mode: 'hybrid', max_chunks: 3 }),
      );
      expect(after).toEqual(before);
      expect((await reopened.getDocuments({ bank_uuid: 'store', document_uuids: ['faq'] }))[0]?.content).toBe(
        faqJson,
      );
      await reopened.insertDocuments({
        bank_uuid: 'store',
        documents: [document({ uuid: 'new', content: 'Late addition.', mime_type: 'text/plain' })],
      });
      expect((await reopened.getDocuments({ bank_uuid: 'store', document_uuids: ['new'] }))[0]?.uuid).toBe(
        'new',
      );
    });

    it('with read_consistency_interval_s 0, a second provider on the directory sees every create, write and drop at once', async () => {
      const shared = { read_consistency_interval_s: 0 };
      const [first, second] = [await start(shared), await start(shared)];
      await first.createMemoryBank(createRequest({ documents: documents().slice(0, 1) }));
      expect((await second.listMemoryBanks({})).map((bank) => bank.uuid)).toEqual(['store']);
      const refund = queryRequest('refund', { mode: 'keyword' });
      expect((await second.queryDocuments(refund)).chunks.length).toBeGreaterThan(0);

      // Written through one, read through the other (which has the bank open) at once.
      await first.insertDocuments({
        bank_uuid: 'store',
        documents: [document({ uuid: 'late', content: 'Penguins waddle on ice.', mime_type: 'text/plain' })],
      });
      const penguins = await second.queryDocuments(queryRequest('penguins', { mode: 'keyword' }));
      expect(penguins.chunks.map((chunk) => chunk.document_id)).toContain('late');
      await second.insertDocuments({
        bank_uuid: 'store',
        documents: [document({ uuid: 'later', content: 'Walruses nap on rocks.', mime_type: 'text/plain' })],
      });
      expect((await first.getDocuments({ bank_uuid: 'store', document_uuids: ['later'] }))[0]?.uuid).toBe(
        'later',
      );

      // Dropped through one: gone through the other; created again with other documents: those are found.
      await first.dropMemoryBank({ bank_uuid: 'store' });
      expect(await stackErrorOf(second.queryDocuments(refund))).toBeInstanceOf(NotFoundError);
      await first.createMemoryBank(
        createRequest({
          documents: [document({ uuid: 'again', content: 'Otters hold hands.', mime_type: 'text/plain' })],
        }),
      );
      const otters = await second.queryDocuments(queryRequest('otters', { mode: 'keyword' }));
      expect(otters.chunks.map((chunk) => chunk.document_id)).toEqual(['again']);
    });

    it('creates the banks the manifest registers, once', async () => {
      const entry = {
        memory_bank_id: 'manifest-bank',
        name: 'From the manifest',
        embedding_model: model,
        params: { chunk_size_in_tokens: 128, overlap_size_in_tokens: 16 },
      };
      const first = await startMemoryBanks({ dataDir, embedder, memoryBanks: [entry] });
      started.push(first);
      await first.insertDocuments({
        bank_uuid: 'manifest-bank',
        documents: [document({ uuid: 'd', content: 'Kept across restarts.', mime_type: 'text/plain' })],
      });
      await first.dispose();
      const warnings: string[] = [];
      const second = await startMemoryBanks({
        dataDir,
        embedder,
        memoryBanks: [{ ...entry, embedding_model: 'another-model' }],
        warnings,
      });
      started.push(second);
      const listed = await second.listMemoryBanks({});
      expect(listed.find((bank) => bank.uuid === 'manifest-bank')).toMatchObject({
        name: 'From the manifest',
        embedding_model: model,
        chunk_size_in_tokens: 128,
      });
      expect((await second.getDocuments({ bank_uuid: 'manifest-bank', document_uuids: ['d'] })).length).toBe(
        1,
      );
      expect(warnings.join('\n')).toContain('another-model');
    });
  });

  describe('query', () => {
    beforeEach(async () => {
      await banks.createMemoryBank(createRequest());
    });

    const topDocument = async (query: string, mode: 'vector' | 'keyword' | 'hybrid') =>
      (await banks.queryDocuments(queryRequest(query, { mode, max_chunks: 3 }))).chunks[0]?.document_id;

    it('finds the passage by vector similarity, best first, with cosine scores', async () => {
      const response = await banks.queryDocuments(
        queryRequest('laptop warranty for hardware faults', { max_chunks: 5 }),
      );
      expect(QueryDocumentsResponse.parse(response)).toEqual(response);
      expect(response.chunks[0]?.document_id).toBe('warranty');
      expect(response.scores).toEqual([...response.scores].sort((a, b) => b - a));
      expect(response.scores.every((score) => score <= 1 && score >= -1)).toBe(true);
      expect(response.chunks[0]).toMatchObject({ metadata: { team: 'support', year: 2023 } });
      expect(response.chunks[0]?.token_count).toBeGreaterThan(0);
    });

    it('finds the passage by keyword, with stemming', async () => {
      expect(await topDocument('Rotterdam', 'keyword')).toBe('shipping');
      expect(await topDocument('refunded gift cards', 'keyword')).toBe('refunds');
      const none = await banks.queryDocuments(queryRequest('xylophone', { mode: 'keyword' }));
      expect(none).toEqual({ chunks: [], scores: [] });
    });

    it('fuses both in hybrid mode, normalized so first in both lists scores 1', async () => {
      expect(await topDocument('Berlin showroom pick up', 'hybrid')).toBe('faq');
      const response = await banks.queryDocuments(
        queryRequest('two year warranty laptop', { mode: 'hybrid', max_chunks: 4 }),
      );
      expect(response.chunks[0]?.document_id).toBe('warranty');
      expect(response.scores[0]).toBeLessThanOrEqual(1);
      expect(response.scores[0]).toBeGreaterThan(0.5);
      expect(response.chunks.length).toBeLessThanOrEqual(4);
    });

    it('honours max_chunks and score_threshold', async () => {
      const all = await banks.queryDocuments(queryRequest('refund', { max_chunks: 50 }));
      expect(all.chunks.length).toBeGreaterThan(3);
      const two = await banks.queryDocuments(queryRequest('refund', { max_chunks: 2 }));
      expect(two.chunks).toEqual(all.chunks.slice(0, 2));
      const threshold = all.scores[2]!;
      const above = await banks.queryDocuments(
        queryRequest('refund', { max_chunks: 50, score_threshold: threshold }),
      );
      expect(above.scores.every((score) => score >= threshold)).toBe(true);
      expect(above.chunks.length).toBe(all.scores.filter((score) => score >= threshold).length);
    });

    it('keeps only chunks whose document metadata matches every filter, in every mode', async () => {
      for (const mode of ['vector', 'keyword', 'hybrid'] as const) {
        const response = await banks.queryDocuments(
          queryRequest('warranty refund shipping Berlin', {
            mode,
            max_chunks: 20,
            filters: { team: 'support', year: 2024 },
          }),
        );
        expect(response.chunks.length, mode).toBeGreaterThan(0);
        expect(new Set(response.chunks.map((chunk) => chunk.document_id)), mode).toEqual(new Set(['faq']));
      }
      const none = await banks.queryDocuments(queryRequest('refund', { filters: { team: 'nobody' } }));
      expect(none).toEqual({ chunks: [], scores: [] });
    });

    it('searches the text parts of an interleaved query and refuses one without text', async () => {
      const response = await banks.queryDocuments(
        QueryDocumentsRequest.parse({
          bank_uuid: 'store',
          query: ['Rotterdam', { url: 'https://x.test/image.png', mime_type: 'image/png' }],
          params: { mode: 'keyword' },
        }),
      );
      expect(response.chunks[0]?.document_id).toBe('shipping');
      const error = await stackErrorOf(
        banks.queryDocuments(
          QueryDocumentsRequest.parse({
            bank_uuid: 'store',
            query: { url: 'https://x.test/a.png', mime_type: 'image/png' },
          }),
        ),
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.field).toBe('query');
    });
  });

  describe('documents', () => {
    beforeEach(async () => {
      await banks.createMemoryBank(createRequest());
      embedder.calls.length = 0;
    });

    it('inserts documents from an http URL and a file under an allowed root', async () => {
      await writeFile(join(filesDir, 'care.md'), '# Care\n\nClean the keyboard with a dry cloth.');
      await banks.insertDocuments({
        bank_uuid: 'store',
        documents: [
          document({ uuid: 'returns', content: `${server.baseUrl}/returns.txt`, mime_type: 'text/plain' }),
          document({
            uuid: 'care',
            content: pathToFileURL(join(filesDir, 'care.md')).href,
            mime_type: 'text/markdown',
          }),
        ],
      });
      expect(await topDocumentOf(banks, 'inspected returned parcels')).toBe('returns');
      expect(await topDocumentOf(banks, 'keyboard cloth')).toBe('care');
      const [stored] = await banks.getDocuments({ bank_uuid: 'store', document_uuids: ['returns'] });
      expect(stored?.content).toBe(`${server.baseUrl}/returns.txt`);
    });

    it('updates one document: only its changed chunks are embedded and only its rows change', async () => {
      const before = await storedChunks(dataDir, 'store');
      const changedRefunds = refundsMarkdown.replace(
        'within 30 days of purchase',
        'within 60 days of delivery',
      );
      await banks.updateDocuments({
        bank_uuid: 'store',
        documents: [
          document({ ...documents()[0]!, content: changedRefunds }),
          document(documents()[1]!), // unchanged: neither re-embedded nor rewritten
        ],
      });
      const after = await storedChunks(dataDir, 'store');
      const others = (chunks: StoredChunk[]) => chunks.filter((chunk) => chunk.document_id !== 'refunds');
      expect(others(after)).toEqual(others(before));

      const refundsBefore = before.filter((chunk) => chunk.document_id === 'refunds');
      const refundsAfter = after.filter((chunk) => chunk.document_id === 'refunds');
      const oldTexts = new Set(refundsBefore.map((chunk) => chunk.text));
      const newTexts = refundsAfter.map((chunk) => chunk.text).filter((text) => !oldTexts.has(text));
      expect(newTexts.length).toBeGreaterThan(0);
      expect(newTexts.length).toBeLessThan(refundsAfter.length);
      expect(embedder.embeddedTexts.sort()).toEqual([...new Set(newTexts)].sort());
      expect(refundsAfter.map((chunk) => chunk.text).join(' ')).toContain('within 60 days of delivery');

      const response = await banks.queryDocuments(queryRequest('60 days delivery', { mode: 'keyword' }));
      expect(response.chunks[0]?.document_id).toBe('refunds');
    });

    it('updates metadata alone without embedding anything', async () => {
      await banks.updateDocuments({
        bank_uuid: 'store',
        documents: [document({ ...documents()[2]!, metadata: { team: 'support', year: 2025 } })],
      });
      expect(embedder.calls).toEqual([]);
      const response = await banks.queryDocuments(
        queryRequest('warranty', { mode: 'keyword', filters: { year: 2025 } }),
      );
      expect(response.chunks.map((chunk) => chunk.document_id)).toContain('warranty');
      expect(response.chunks[0]?.metadata).toEqual({ team: 'support', year: 2025 });
      const [stored] = await banks.getDocuments({ bank_uuid: 'store', document_uuids: ['warranty'] });
      expect(stored?.metadata).toEqual({ team: 'support', year: 2025 });
    });

    it('updates a document to fewer chunks, dropping the ones it no longer has', async () => {
      await banks.updateDocuments({
        bank_uuid: 'store',
        documents: [document({ ...documents()[0]!, content: 'Refunds: ask the desk.' })],
      });
      const chunks = (await storedChunks(dataDir, 'store')).filter(
        (chunk) => chunk.document_id === 'refunds',
      );
      expect(chunks.map((chunk) => chunk.text)).toEqual(['Refunds: ask the desk.']);
    });

    it('finds by keyword every chunk a write just added, filtered or not', async () => {
      await banks.insertDocuments({
        bank_uuid: 'store',
        documents: ['one', 'two', 'three'].map((name) =>
          document({
            uuid: `zebra-${name}`,
            content: `Zebra crossing ${name}.`,
            mime_type: 'text/plain',
            metadata: { name },
          }),
        ),
      });
      const all = await banks.queryDocuments(queryRequest('zebra', { mode: 'keyword' }));
      expect(all.chunks.map((chunk) => chunk.document_id).sort()).toEqual([
        'zebra-one',
        'zebra-three',
        'zebra-two',
      ]);
      const filtered = await banks.queryDocuments(
        queryRequest('zebra', { mode: 'keyword', filters: { name: 'two' } }),
      );
      expect(filtered.chunks.map((chunk) => chunk.document_id)).toEqual(['zebra-two']);
    });

    it('deletes documents and answers with the uuids it deleted', async () => {
      expect(
        await banks.deleteDocuments({
          bank_uuid: 'store',
          document_uuids: ['shipping', 'missing', 'shipping'],
        }),
      ).toEqual(['shipping']);
      expect(
        await stackErrorOf(banks.getDocuments({ bank_uuid: 'store', document_uuids: ['shipping'] })),
      ).toBeInstanceOf(NotFoundError);
      expect((await storedChunks(dataDir, 'store')).some((chunk) => chunk.document_id === 'shipping')).toBe(
        false,
      );
      const response = await banks.queryDocuments(
        queryRequest('Rotterdam warehouse', { mode: 'hybrid', max_chunks: 20 }),
      );
      expect(response.chunks.some((chunk) => chunk.document_id === 'shipping')).toBe(false);
      expect(await banks.deleteDocuments({ bank_uuid: 'store', document_uuids: ['shipping'] })).toEqual([]);
    });

    it('loses and duplicates nothing under concurrent inserts', async () => {
      const batch = (index: number) =>
        banks.insertDocuments({
          bank_uuid: 'store',
          documents: [
            document({
              uuid: `note-${index}`,
              content: `Note ${index}: ${'the courier called about parcel number '.repeat(3)}${index}.`,
              mime_type: 'text/plain',
              metadata: { batch: index },
            }),
          ],
        });
      await Promise.all(Array.from({ length: 16 }, (_, index) => batch(index)));
      const chunks = (await storedChunks(dataDir, 'store')).filter((chunk) =>
        chunk.document_id.startsWith('note-'),
      );
      for (let index = 0; index < 16; index += 1) {
        const own = chunks.filter((chunk) => chunk.document_id === `note-${index}`);
        expect(own.length, `note-${index}`).toBeGreaterThan(1);
        expect(own.map((chunk) => chunk.chunk_index)).toEqual(own.map((_, position) => position));
      }
      const keys = chunks.map((chunk) => `${chunk.document_id}/${chunk.chunk_index}`);
      expect(new Set(keys).size).toBe(keys.length);

      // The same uuid from five requests at once: one wins, the others get 409, nothing doubles.
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () =>
          banks.insertDocuments({
            bank_uuid: 'store',
            documents: [
              document({ uuid: 'contested', content: 'Only once, please.', mime_type: 'text/plain' }),
            ],
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((entry) => entry.status === 'rejected')) {
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
      }
      expect(
        (await storedChunks(dataDir, 'store')).filter((chunk) => chunk.document_id === 'contested'),
      ).toHaveLength(1);
    });

    it('leaves the bank as it was when an embedding fails', async () => {
      const before = await storedChunks(dataDir, 'store');
      embedder.failWhen = (text) => text.includes('poison');
      const inserted = banks.insertDocuments({
        bank_uuid: 'store',
        documents: [
          document({ uuid: 'fine', content: 'A perfectly fine note.', mime_type: 'text/plain' }),
          document({ uuid: 'bad', content: 'This one carries poison.', mime_type: 'text/plain' }),
        ],
      });
      await expect(inserted).rejects.toThrow();
      const updated = banks.updateDocuments({
        bank_uuid: 'store',
        documents: [document({ ...documents()[0]!, content: 'Refunds now carry poison.' })],
      });
      await expect(updated).rejects.toThrow();
      expect(await storedChunks(dataDir, 'store')).toEqual(before);
      expect(await banks.deleteDocuments({ bank_uuid: 'store', document_uuids: ['fine', 'bad'] })).toEqual(
        [],
      );
      const [refunds] = await banks.getDocuments({ bank_uuid: 'store', document_uuids: ['refunds'] });
      expect(refunds?.content).toBe(refundsMarkdown);
    });
  });

  describe('bad inputs', () => {
    beforeEach(async () => {
      await banks.createMemoryBank(createRequest({ documents: documents().slice(0, 1) }));
    });

    it('takes an empty insert or update as nothing to do', async () => {
      const { bank_uuid } = createRequest();
      await banks.insertDocuments({ bank_uuid, documents: [] });
      await banks.updateDocuments({ bank_uuid, documents: [] });
      const stored = await banks.getDocuments({ bank_uuid, document_uuids: [documents()[0]!.uuid] });
      expect(stored).toHaveLength(1);
    });

    it('answers 404 for an unknown bank on every operation', async () => {
      const bank_uuid = 'nope';
      // Started one at a time, so no rejection waits unobserved while an earlier one is awaited.
      const calls = [
        () => banks.insertDocuments({ bank_uuid, documents: [] }),
        () => banks.updateDocuments({ bank_uuid, documents: [] }),
        () => banks.getDocuments({ bank_uuid, document_uuids: ['x'] }),
        () => banks.deleteDocuments({ bank_uuid, document_uuids: ['x'] }),
        () => banks.queryDocuments(queryRequest('x', {}, bank_uuid)),
        () => banks.dropMemoryBank({ bank_uuid }),
      ];
      for (const call of calls) {
        const error = await stackErrorOf(call());
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error.status).toBe(404);
        expect(error.message).toContain("memory bank 'nope'");
      }
    });

    it('answers 404 for an unknown document on get and update, 409 for one inserted twice', async () => {
      expect(
        await stackErrorOf(banks.getDocuments({ bank_uuid: 'store', document_uuids: ['refunds', 'ghost'] })),
      ).toBeInstanceOf(NotFoundError);
      expect(
        await stackErrorOf(
          banks.updateDocuments({
            bank_uuid: 'store',
            documents: [document({ uuid: 'ghost', content: 'x', mime_type: 'text/plain' })],
          }),
        ),
      ).toBeInstanceOf(NotFoundError);
      /** A new document, then one the bank already holds. */
      const insertAgain = (newContent: string) =>
        stackErrorOf(
          banks.insertDocuments({
            bank_uuid: 'store',
            documents: [
              document({ uuid: 'other', content: newContent, mime_type: 'text/plain' }),
              document(documents()[0]!),
            ],
          }),
        );
      const twice = await insertAgain('x');
      expect(twice).toBeInstanceOf(ConflictError);
      expect(twice.field).toBe('documents.1.uuid');
      // The stored uuid is looked up while the texts embed; it still answers before a failed embedding.
      embedder.failWhen = (text) => text.includes('poison');
      const twiceAndPoisoned = await insertAgain('This one carries poison.');
      expect(twiceAndPoisoned).toBeInstanceOf(ConflictError);
      expect(twiceAndPoisoned.field).toBe('documents.1.uuid');
      const sameRequest = await stackErrorOf(
        banks.insertDocuments({
          bank_uuid: 'store',
          documents: [
            document({ uuid: 'dup', content: 'x', mime_type: 'text/plain' }),
            document({ uuid: 'dup', content: 'y', mime_type: 'text/plain' }),
          ],
        }),
      );
      expect(sameRequest).toBeInstanceOf(InvalidRequestError);
      expect(sameRequest.field).toBe('documents.1.uuid');
    });

    it('answers 403 for a file:// outside the allowed roots', async () => {
      await writeFile(join(dataDir, 'outside.txt'), 'secret');
      const error = await stackErrorOf(
        banks.insertDocuments({
          bank_uuid: 'store',
          documents: [
            document({
              uuid: 'f',
              content: pathToFileURL(join(dataDir, 'outside.txt')).href,
              mime_type: 'text/plain',
            }),
          ],
        }),
      );
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.status).toBe(403);
      expect(error.field).toBe('documents.0.content');
    });

    it('answers 403 for a document URL on loopback when url_fetch does not allow it, fetching nothing', async () => {
      const strict = await start({}, []);
      await strict.createMemoryBank(createRequest({ bank_uuid: 'strict', documents: [] }));
      server.requests.length = 0;
      const error = await stackErrorOf(
        strict.insertDocuments({
          bank_uuid: 'strict',
          documents: [
            document({ uuid: 'r', content: `${server.baseUrl}/returns.txt`, mime_type: 'text/plain' }),
          ],
        }),
      );
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.field).toBe('documents.0.content');
      expect(error.message).toContain('url_fetch.allowed_private_hosts');
      expect(server.requests).toEqual([]);
    });

    it('answers 413 for an oversized document', async () => {
      const error = await stackErrorOf(
        banks.insertDocuments({
          bank_uuid: 'store',
          documents: [
            document({ uuid: 'ok', content: 'fine', mime_type: 'text/plain' }),
            document({ uuid: 'big', content: 'x'.repeat(64 * 1024 + 1), mime_type: 'text/plain' }),
          ],
        }),
      );
      expect(error).toBeInstanceOf(PayloadTooLargeError);
      expect(error.status).toBe(413);
      expect(error.message).toContain('documents.1.content');
      expect(await banks.deleteDocuments({ bank_uuid: 'store', document_uuids: ['ok'] })).toEqual([]);
    });

    it('answers 400 naming documents.0.content for a malformed data: URL', async () => {
      const error = await stackErrorOf(
        banks.insertDocuments({
          bank_uuid: 'store',
          documents: [
            document({ uuid: 'd', content: 'data:text/plain;base64,not*base64', mime_type: 'text/plain' }),
          ],
        }),
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.status).toBe(400);
      expect(error.field).toBe('documents.0.content');
      expect(error.message).toMatch(/^documents\.0\.content: /);
    });

    it('answers 400 naming the mime_type of a type it cannot read', async () => {
      const error = await stackErrorOf(
        banks.insertDocuments({
          bank_uuid: 'store',
          documents: [
            document({ uuid: 'img', content: 'data:image/png;base64,iVBORw0KGgo=', mime_type: 'image/png' }),
          ],
        }),
      );
      expect(error.field).toBe('documents.0.mime_type');
    });
  });
});

async function topDocumentOf(banks: LanceDbMemoryBanks, query: string) {
  const response = await banks.queryDocuments(queryRequest(query, { mode: 'hybrid', max_chunks: 3 }));
  return response.chunks[0]?.document_id;
}
