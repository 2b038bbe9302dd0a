import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningDistribution,
  startDistribution,
  stopDistribution,
} from '../support/cli-process.js';
import { manifestsDir, testsDir } from '../support/repo-paths.js';
import { describeWithModels, testModels, testModelsDir } from '../support/test-models.js';

// Memory banks and embeddings end to end: `llama-stack-ts run` on a manifest with two real embedding
// models (transformers.js on the synthetic BERT, model2vec on its trained test model) and LanceDB
// banks in a temp dir, over a real socket: raw fetch for the Llama Stack routes, the official
// `openai` client for /v1/embeddings. The suite restarts the process on the same data dir once.

const memoryManifest = join(manifestsDir, 'memory.yaml');
const chessPdf = join(testsDir, 'fixtures/documents/chess-openings.pdf');
const maxDocumentBytes = 16384;

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

interface MemoryDocument {
  uuid: string;
  content: string;
  metadata: Record<string, unknown>;
  mime_type: string;
}

interface Chunk {
  content: string;
  document_id: string;
  token_count: number;
  metadata: Record<string, unknown>;
}

interface QueryAnswer {
  chunks: Chunk[];
  scores: number[];
}

interface QueryParams {
  mode?: 'vector' | 'keyword' | 'hybrid';
  max_chunks?: number;
  score_threshold?: number;
  filters?: Record<string, string | number | boolean | null>;
}

const sourdough: MemoryDocument = {
  uuid: 'sourdough',
  mime_type: 'text/markdown',
  metadata: { title: 'sourdough', kind: 'recipe' },
  content: [
    '# Sourdough bread',
    '',
    'Feed the levain with rye flour and water the night before you bake. A lively starter doubles in four hours.',
    '',
    '## Dough',
    '',
    '- Mix the flour, water and starter, then rest the dough for an hour before adding salt.',
    '- Stretch and fold the dough every half hour while it ferments on the counter.',
    '',
    'Bake the loaf in a hot covered pot so the crust blisters and the crumb stays open and airy.',
  ].join('\n'),
};

const volcanoHtml = [
  '<!doctype html><html><head><title>Volcanoes</title>',
  '<style>.lava { color: crimson }</style>',
  '<script>var zanzibartracker = "never indexed";</script></head>',
  '<body><h1>How volcanoes erupt</h1>',
  '<p>Magma rises through the crust until the pressure of its gas blows the vent open.</p>',
  '<p>Runny <a href="https://example.com/basalt">basalt</a> lava flows far; sticky lava builds steep cones.</p>',
  '<img src="crater.png" alt="a crater"></body></html>',
].join('\n');

const volcano: MemoryDocument = {
  uuid: 'volcano',
  mime_type: 'text/html',
  metadata: { title: 'volcano', kind: 'science' },
  content: `data:text/html;base64,${Buffer.from(volcanoHtml).toString('base64')}`,
};

const inventory: MemoryDocument = {
  uuid: 'inventory',
  mime_type: 'application/json',
  metadata: { title: 'inventory', kind: 'data' },
  content: JSON.stringify({
    store: {
      city: 'Reykjavik',
      aisles: [
        { name: 'umbrellas', count: 12 },
        { name: 'raincoats', count: 7 },
      ],
    },
  }),
};

/** The PDF fixture, read through a file:// URL under the allowed root (set once the root exists). */
function chessDocument(fileRoot: string): MemoryDocument {
  return {
    uuid: 'chess',
    mime_type: 'application/pdf',
    metadata: { title: 'chess', kind: 'games' },
    content: pathToFileURL(join(fileRoot, 'chess-openings.pdf')).href,
  };
}

/** A chunk as compared across requests: everything the answer says about it. */
const chunkKey = (chunk: Chunk) => `${chunk.document_id}\u0000${chunk.token_count}\u0000${chunk.content}`;

describeWithModels(
  'llama-stack-ts run <memory manifest>',
  [testModels.bertEmbedder, testModels.model2vec],
  () => {
    let home: string;
    let dataDir: string;
    let fileRoot: string;
    let distribution: RunningDistribution;
    let openai: OpenAI;
    let chess: MemoryDocument;
    const statuses: number[] = [];

    async function start(): Promise<void> {
      distribution = await startDistribution(memoryManifest, {
        home,
        env: {
          LLAMA_STACK_TS_TEST_MODELS: testModelsDir,
          MEMORY_DATA_DIR: dataDir,
          MEMORY_FILE_ROOT: fileRoot,
        },
      });
      openai = new OpenAI({ baseURL: `${distribution.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    }

    async function send<T>(
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: T }> {
      const response = await fetch(`${distribution.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      statuses.push(response.status);
      return { status: response.status, body: (await response.json()) as T };
    }

    const post = <T>(path: string, body: unknown) => send<T>('POST', path, body);
    const bankPath = (path: string, bank: string) => `${path}?bank_uuid=${encodeURIComponent(bank)}`;

    async function expectOk<T>(answer: Promise<{ status: number; body: T }>): Promise<T> {
      const { status, body } = await answer;
      expect(status, JSON.stringify(body)).toBe(200);
      return body;
    }

    const createBank = (bank: string, documents: MemoryDocument[] = []) =>
      expectOk(post(`/memory_banks/create?bank_uuid=${bank}&bank_name=${bank}%20bank`, documents));
    const insert = (bank: string, documents: MemoryDocument[]) =>
      post<null | ErrorBody>(bankPath('/memory_bank/insert', bank), documents);
    const getDocuments = (bank: string, uuids: string[]) =>
      expectOk(post<MemoryDocument[]>(bankPath('/memory_bank/get', bank), uuids));
    const query = (bank: string, text: string, params: QueryParams = {}) =>
      expectOk(post<QueryAnswer>('/memory_bank/query', { bank_uuid: bank, query: text, params }));
    /** Every chunk of one document of `library`, in a stable order. */
    const chunksOf = async (title: string, bank = 'library') => {
      const answer = await query(bank, title, { filters: { title }, max_chunks: 1000 });
      return answer.chunks.map(chunkKey).sort();
    };
    const topDocument = async (text: string, params: QueryParams) =>
      (await query('library', text, params)).chunks[0]?.document_id;

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-memory-'));
      dataDir = join(home, 'data');
      fileRoot = join(home, 'files');
      await mkdir(fileRoot);
      await copyFile(chessPdf, join(fileRoot, 'chess-openings.pdf'));
      chess = chessDocument(fileRoot);
      await start();
    });

    afterAll(async () => {
      await killAllChildren();
      await rm(home, { recursive: true, force: true });
    });

    // -- Embeddings ---------------------------------------------------------------------------------

    describe('embeddings', () => {
      const texts = ['A lively sourdough starter.', 'Magma rises through the crust.', 'Castle early.'];
      const norm = (vector: number[]) => Math.hypot(...vector);

      it('POST /inference/embeddings: one unit vector per text, in order, at each model’s dimension', async () => {
        for (const [model, dimension] of [
          ['bert-tiny-random', 32],
          ['model2vec-test', 64],
        ] as const) {
          const batch = await expectOk(
            post<{ embeddings: number[][] }>('/inference/embeddings', { model, contents: texts }),
          );
          expect(batch.embeddings).toHaveLength(texts.length);
          for (const vector of batch.embeddings) {
            expect(vector).toHaveLength(dimension);
            expect(norm(vector)).toBeCloseTo(1, 4);
          }
          expect(new Set(batch.embeddings.map((vector) => vector.join(','))).size).toBe(texts.length);
          // Batching changes nothing: the last text alone gives the vector it got in the batch.
          const alone = await expectOk(
            post<{ embeddings: number[][] }>('/inference/embeddings', { model, contents: [texts[2]] }),
          );
          alone.embeddings[0]?.forEach((value, index) => {
            expect(value).toBeCloseTo(batch.embeddings[2]?.[index] ?? Number.NaN, 5);
          });
        }
      });

      it('openai: /v1/embeddings gives the same vectors, float and base64, with the model’s dimension', async () => {
        const native = await expectOk(
          post<{ embeddings: number[][] }>('/inference/embeddings', {
            model: 'model2vec-test',
            contents: texts,
          }),
        );
        // The client asks for base64 by default and decodes it.
        const decoded = await openai.embeddings.create({ model: 'model2vec-test', input: texts });
        const floats = await openai.embeddings.create({
          model: 'model2vec-test',
          input: texts,
          encoding_format: 'float',
        });
        for (const list of [decoded, floats]) {
          expect(list.object).toBe('list');
          expect(list.model).toBe('model2vec-test');
          expect(list.data.map((item) => item.index)).toEqual([0, 1, 2]);
          list.data.forEach((item, index) => {
            expect(item.embedding).toHaveLength(64);
            item.embedding.forEach((value, dim) => {
              expect(value).toBeCloseTo(native.embeddings[index]?.[dim] ?? Number.NaN, 6);
            });
          });
        }
        const single = await openai.embeddings.create({ model: 'bert-tiny-random', input: 'Castle early.' });
        expect(single.data).toHaveLength(1);
        expect(single.data[0]?.embedding).toHaveLength(32);
      });

      it('answers 404 for an unknown model on both routes', async () => {
        const native = await post<ErrorBody>('/inference/embeddings', {
          model: 'no-such-embedder',
          contents: ['x'],
        });
        expect(native.status).toBe(404);
        expect(native.body.error.message).toContain("'no-such-embedder'");

        const error = await openai.embeddings
          .create({ model: 'no-such-embedder', input: 'x' })
          .catch((e) => e);
        expect(error).toBeInstanceOf(OpenAI.NotFoundError);
        expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
        expect((error as Error).message).toContain('no-such-embedder');
      });

      it('answers 400 naming the field for bad input on both routes', async () => {
        const cases: [unknown, string][] = [
          [{ model: 'model2vec-test', contents: [] }, 'contents'],
          [{ model: 'model2vec-test' }, 'contents'],
          [{ model: 'model2vec-test', contents: 'not a list' }, 'contents'],
          [{ contents: ['x'] }, 'model'],
        ];
        for (const [body, field] of cases) {
          const answer = await post<ErrorBody>('/inference/embeddings', body);
          expect(answer.status, JSON.stringify(body)).toBe(400);
          expect(answer.body.error.field).toBe(field);
          expect(answer.body.error.message).toContain(field);
        }

        const openaiCases: [Record<string, unknown>, string][] = [
          [{ model: 'model2vec-test', input: 42 }, 'input'],
          [{ model: 'model2vec-test', input: [] }, 'input'],
          [{ model: 'model2vec-test', input: 'x', encoding_format: 'hex' }, 'encoding_format'],
          [{ model: 'model2vec-test', input: 'x', dimensions: 16 }, 'dimensions'],
        ];
        for (const [body, param] of openaiCases) {
          const error = await openai.embeddings
            .create(body as unknown as OpenAI.EmbeddingCreateParams)
            .catch((e) => e);
          expect(error, JSON.stringify(body)).toBeInstanceOf(OpenAI.BadRequestError);
          expect(error).toMatchObject({ status: 400, param });
        }
      });
    });

    // -- Memory banks -------------------------------------------------------------------------------

    describe('memory banks', () => {
      it('creates a bank with inline Markdown and JSON, adds HTML by data: URL and a PDF by file://, lists it', async () => {
        await createBank('library', [sourdough, inventory]);
        expect((await insert('library', [volcano, chess])).status).toBe(200);

        const banks = await expectOk(send<{ uuid: string }[]>('GET', '/memory_banks/get'));
        expect(banks).toEqual(
          expect.arrayContaining([
            {
              uuid: 'library',
              name: 'library bank',
              embedding_model: 'model2vec-test',
              chunk_size_in_tokens: 48,
              overlap_size_in_tokens: 8,
            },
            {
              uuid: 'handbook',
              name: 'Handbook',
              embedding_model: 'bert-tiny-random',
              chunk_size_in_tokens: 32,
              overlap_size_in_tokens: 4,
            },
          ]),
        );
        // Content comes back as it was given: the data: and file:// URLs, not the text read from them.
        expect(await getDocuments('library', ['chess', 'sourdough', 'volcano', 'inventory'])).toEqual([
          chess,
          sourdough,
          volcano,
          inventory,
        ]);
      });

      it('reads each format as text: Markdown as written, HTML without markup, the PDF text layer, JSON as path lines', async () => {
        const text = async (title: string) =>
          (await query('library', title, { filters: { title }, max_chunks: 1000 })).chunks
            .map((chunk) => chunk.content)
            .join('\n');
        // 48-token chunks: each document spans several.
        expect((await chunksOf('sourdough')).length).toBeGreaterThan(2);
        expect(await text('sourdough')).toContain('Stretch and fold the dough');

        const html = await text('volcano');
        expect(html).toContain('Magma rises through the crust');
        expect(html).toContain('basalt');
        expect(html).not.toMatch(/<|zanzibartracker|crimson|example\.com|crater\.png/);

        const pdf = await text('chess');
        expect(pdf).toContain('Sicilian Defence');
        expect(pdf).toContain('checkmate');

        expect(await text('inventory')).toContain('store.city: Reykjavik');
      });

      it('keyword mode finds the one document holding a word, and nothing for text that was never indexed', async () => {
        const words: [string, string][] = [
          ['levain', 'sourdough'],
          ['basalt', 'volcano'],
          ['checkmate', 'chess'],
          ['Reykjavik', 'inventory'],
        ];
        for (const [word, document] of words) {
          const answer = await query('library', word, { mode: 'keyword' });
          expect(new Set(answer.chunks.map((chunk) => chunk.document_id)), word).toEqual(new Set([document]));
          expect(answer.chunks[0]?.content.toLowerCase()).toContain(word.toLowerCase());
        }
        // The HTML's script is dropped before indexing.
        expect((await query('library', 'zanzibartracker', { mode: 'keyword' })).chunks).toEqual([]);
      });

      it('vector mode (model2vec) and hybrid mode rank the document about the query first', async () => {
        const questions: [string, string][] = [
          ['How do I feed a sourdough starter?', 'sourdough'],
          ['What makes a volcano erupt?', 'volcano'],
          ['Which chess opening is a gambit?', 'chess'],
          ['How many umbrellas are in the store?', 'inventory'],
        ];
        for (const [question, document] of questions) {
          expect(await topDocument(question, { mode: 'vector' }), question).toBe(document);
          expect(await topDocument(question, { mode: 'hybrid' }), question).toBe(document);
        }
        const vector = await query('library', 'volcano lava', { mode: 'vector' });
        const hybrid = await query('library', 'volcano lava', { mode: 'hybrid' });
        for (const { scores } of [vector, hybrid]) {
          expect(scores).toEqual([...scores].sort((a, b) => b - a));
        }
        expect(vector.scores.every((score) => score >= -1 && score <= 1)).toBe(true);
        expect(hybrid.scores.every((score) => score > 0 && score <= 1)).toBe(true);
      });

      it('max_chunks keeps the best chunks; score_threshold keeps exactly those scoring at least it', async () => {
        const all = await query('library', 'bread dough and flour', { max_chunks: 1000 });
        expect(all.chunks.length).toBeGreaterThan(6);
        const top3 = await query('library', 'bread dough and flour', { max_chunks: 3 });
        expect(top3.chunks).toEqual(all.chunks.slice(0, 3));
        expect(top3.scores).toEqual(all.scores.slice(0, 3));

        for (const mode of ['vector', 'keyword', 'hybrid'] as const) {
          const full = await query('library', 'bread dough and flour', { mode, max_chunks: 1000 });
          expect(full.chunks.length, mode).toBeGreaterThan(1);
          // A threshold half way down the list, so it keeps some chunks and cuts others.
          const threshold = full.scores[Math.floor((full.scores.length - 1) / 2)] ?? Number.NaN;
          const kept = await query('library', 'bread dough and flour', {
            mode,
            max_chunks: 1000,
            score_threshold: threshold,
          });
          const expected = full.scores.filter((score) => score >= threshold).length;
          expect(expected, mode).toBeLessThan(full.chunks.length);
          expect(kept.chunks, mode).toEqual(full.chunks.slice(0, expected));
          expect(kept.scores.every((score) => score >= threshold)).toBe(true);
        }
        const impossible = await query('library', 'bread', { score_threshold: 1.01 });
        expect(impossible).toEqual({ chunks: [], scores: [] });
      });

      it('filters keep only chunks of documents whose metadata equals every value given', async () => {
        // A query about chess, searched only among recipes: the recipe's chunks, and all of them.
        const recipes = await query('library', 'checkmate on the back rank', {
          filters: { kind: 'recipe' },
          max_chunks: 1000,
        });
        expect(recipes.chunks.length).toBe((await chunksOf('sourdough')).length);
        expect(recipes.chunks.every((chunk) => chunk.document_id === 'sourdough')).toBe(true);
        expect(recipes.chunks[0]?.metadata).toEqual(sourdough.metadata);

        // The one document holding the word is left out by the filter, so keyword search finds nothing.
        expect(
          (await query('library', 'checkmate', { mode: 'keyword', filters: { kind: 'recipe' } })).chunks,
        ).toEqual([]);
        const games = await query('library', 'checkmate', { mode: 'hybrid', filters: { kind: 'games' } });
        expect(new Set(games.chunks.map((chunk) => chunk.document_id))).toEqual(new Set(['chess']));
        expect(games.chunks[0]?.content).toContain('checkmate');
        expect(await query('library', 'dough', { filters: { kind: 'recipe', title: 'chess' } })).toEqual({
          chunks: [],
          scores: [],
        });
      });

      it('update re-indexes only the updated document: the others keep their chunks and scores', async () => {
        const probe = 'crust and flour';
        const others = ['volcano', 'chess', 'inventory'];
        const before = new Map(
          await Promise.all(others.map(async (title) => [title, await chunksOf(title)] as const)),
        );
        const scoresBefore = await query('library', probe, {
          filters: { kind: 'science' },
          max_chunks: 1000,
        });
        const sourdoughBefore = await chunksOf('sourdough');

        const revised: MemoryDocument = {
          ...sourdough,
          metadata: { ...sourdough.metadata, revision: 2 },
          content:
            '# Pumpernickel\n\nSteam the pumpernickel for sixteen hours in a low oven until it turns dark.',
        };
        expect((await post(bankPath('/memory_bank/update', 'library'), [revised])).status).toBe(200);

        for (const title of others) expect(await chunksOf(title), title).toEqual(before.get(title));
        // Same vectors, same scores.
        expect(await query('library', probe, { filters: { kind: 'science' }, max_chunks: 1000 })).toEqual(
          scoresBefore,
        );
        const sourdoughAfter = await chunksOf('sourdough');
        expect(sourdoughAfter).not.toEqual(sourdoughBefore);
        expect(sourdoughAfter.join('\n')).toContain('Steam the pumpernickel');
        expect((await query('library', 'levain', { mode: 'keyword' })).chunks).toEqual([]);
        const found = await query('library', 'pumpernickel', { mode: 'keyword' });
        expect(found.chunks.map((chunk) => [chunk.document_id, chunk.metadata])).toEqual([
          ['sourdough', revised.metadata],
        ]);
        expect(await getDocuments('library', ['sourdough'])).toEqual([revised]);

        const unknown = await post<ErrorBody>(bankPath('/memory_bank/update', 'library'), [
          { ...revised, uuid: 'no-such-document' },
        ]);
        expect(unknown.status).toBe(404);
        expect(unknown.body.error.message).toContain("'no-such-document'");
      });

      it('delete removes a document and its chunks; get then names it as unknown', async () => {
        const deleted = await expectOk(
          post<string[]>(bankPath('/memory_bank/delete', 'library'), ['inventory']),
        );
        expect(deleted).toEqual(['inventory']);
        expect((await query('library', 'Reykjavik', { mode: 'keyword' })).chunks).toEqual([]);
        expect(await chunksOf('inventory')).toEqual([]);
        const missing = await post<ErrorBody>(bankPath('/memory_bank/get', 'library'), ['inventory']);
        expect(missing.status).toBe(404);
        expect(missing.body.error.message).toContain("'inventory'");
        expect(
          await expectOk(post<string[]>(bankPath('/memory_bank/delete', 'library'), ['inventory'])),
        ).toEqual([]);
      });

      it('the manifest’s bank indexes with its own model (the 32-dimension BERT)', async () => {
        expect((await insert('handbook', [{ ...sourdough, uuid: 'bread' }])).status).toBe(200);
        const found = await query('handbook', 'levain', { mode: 'hybrid' });
        expect(found.chunks[0]?.document_id).toBe('bread');
        expect(found.chunks[0]?.content).toContain('levain');
      });

      it('finds the banks, documents and chunks intact after a restart on the same data dir', async () => {
        const banks = await expectOk(send<{ uuid: string }[]>('GET', '/memory_banks/get'));
        const documents = await getDocuments('library', ['sourdough', 'volcano', 'chess']);
        const answers = await Promise.all(
          (['vector', 'keyword', 'hybrid'] as const).map((mode) =>
            query('library', 'lava and dough', { mode, max_chunks: 1000 }),
          ),
        );
        const handbook = await query('handbook', 'levain', { max_chunks: 1000 });

        const stopped = await stopDistribution(distribution);
        expect(stopped.code).toBe(0);
        await start();

        const banksAfter = await expectOk(send<{ uuid: string }[]>('GET', '/memory_banks/get'));
        expect(banksAfter).toEqual(banks);
        expect(banksAfter.filter((bank) => bank.uuid === 'handbook')).toHaveLength(1);
        expect(await getDocuments('library', ['sourdough', 'volcano', 'chess'])).toEqual(documents);
        for (const [index, mode] of (['vector', 'keyword', 'hybrid'] as const).entries()) {
          expect(await query('library', 'lava and dough', { mode, max_chunks: 1000 }), mode).toEqual(
            answers[index],
          );
        }
        expect(await query('handbook', 'levain', { max_chunks: 1000 })).toEqual(handbook);
      });

      it('drop deletes a bank: it leaves the list, and its uuid is unknown afterwards', async () => {
        await createBank('scratch', [{ ...volcano, uuid: 'v' }]);
        expect(await expectOk(send<string>('DELETE', bankPath('/memory_banks/drop', 'scratch')))).toBe(
          'scratch',
        );
        const banks = await expectOk(send<{ uuid: string }[]>('GET', '/memory_banks/get'));
        expect(banks.map((bank) => bank.uuid)).not.toContain('scratch');
        const gone = await post<ErrorBody>('/memory_bank/query', { bank_uuid: 'scratch', query: 'lava' });
        expect(gone.status).toBe(404);
        // The uuid is free again.
        await createBank('scratch');
        expect((await query('scratch', 'lava')).chunks).toEqual([]);
      });
    });

    // -- Concurrency ----------------------------------------------------------------------------------

    describe('concurrent writes', () => {
      const reports = Array.from({ length: 20 }, (_, index) => ({
        uuid: `report-${index}`,
        mime_type: 'text/plain',
        metadata: { index },
        content: Array.from(
          { length: 4 },
          (_, part) =>
            `Report ${index} part ${part}: the station logged ${index * 7 + part} readings of wind and rain, ` +
            `checked the gauges twice and sent the sheet number ${index}-${part} to the office.`,
        ).join(' '),
      }));
      const allChunks = async (bank: string) =>
        (await query(bank, 'station readings', { max_chunks: 10_000 })).chunks.map(chunkKey).sort();

      it('20 parallel inserts into one bank leave exactly the chunks of one sequential insert', async () => {
        await createBank('sequential', reports);
        await createBank('parallel');
        const answers = await Promise.all(reports.map((report) => insert('parallel', [report])));
        expect(answers.map((answer) => answer.status)).toEqual(reports.map(() => 200));

        const expected = await allChunks('sequential');
        expect(expected.length).toBeGreaterThan(reports.length * 2);
        const chunks = await allChunks('parallel');
        expect(chunks).toEqual(expected);
        expect(new Set(chunks).size).toBe(chunks.length);
        const uuids = reports.map((report) => report.uuid);
        expect(await getDocuments('parallel', uuids)).toEqual(reports);
      });

      it('two parallel inserts of one document uuid: one lands, the other is 409, no chunk twice', async () => {
        const extra = { ...reports[0]!, uuid: 'report-extra' };
        const answers = await Promise.all([insert('parallel', [extra]), insert('parallel', [extra])]);
        expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
        const conflict = answers.find((answer) => answer.status === 409)?.body as ErrorBody;
        expect(conflict.error.message).toContain("'report-extra'");
        expect(conflict.error.field).toBe('documents.0.uuid');

        const extraChunks = (await allChunks('parallel')).filter((key) =>
          key.startsWith('report-extra\u0000'),
        );
        const ofFirst = (await allChunks('sequential')).filter((key) => key.startsWith('report-0\u0000'));
        expect(extraChunks.map((key) => key.replace('report-extra', 'report-0'))).toEqual(ofFirst);
      });
    });

    // -- Bad inputs -----------------------------------------------------------------------------------

    describe('bad inputs', () => {
      const note = (content: string, mime_type = 'text/plain'): MemoryDocument => ({
        uuid: 'bad',
        content,
        mime_type,
        metadata: {},
      });

      async function expectRefused(answer: Promise<{ status: number; body: unknown }>, status: number) {
        const { status: actual, body } = await answer;
        expect(actual, JSON.stringify(body)).toBe(status);
        return (body as ErrorBody).error;
      }

      /** A refused insert leaves nothing behind. */
      async function expectNotStored(): Promise<void> {
        const missing = await post<ErrorBody>(bankPath('/memory_bank/get', 'library'), ['bad']);
        expect(missing.status).toBe(404);
      }

      it('an unknown bank is 404 on every route, naming it', async () => {
        const answers = [
          insert('nope', [note('hello')]),
          post(bankPath('/memory_bank/update', 'nope'), [note('hello')]),
          post(bankPath('/memory_bank/get', 'nope'), ['x']),
          post(bankPath('/memory_bank/delete', 'nope'), ['x']),
          post('/memory_bank/query', { bank_uuid: 'nope', query: 'hello' }),
          send('DELETE', bankPath('/memory_banks/drop', 'nope')),
        ];
        for (const answer of answers) {
          const error = await expectRefused(answer, 404);
          expect(error.message).toContain("memory bank 'nope'");
          expect(error.message).toContain('POST /memory_banks/create');
        }
      });

      it('a file:// outside the allowed roots is 403, even through a symbolic link inside one', async () => {
        const outside = join(home, 'secret.txt');
        await writeFile(outside, 'not for the bank');
        await symlink(outside, join(fileRoot, 'link-to-secret.txt'));
        for (const path of [outside, join(fileRoot, 'link-to-secret.txt')]) {
          const url = pathToFileURL(path).href;
          const error = await expectRefused(insert('library', [note(url)]), 403);
          expect(error.field).toBe('documents.0.content');
          expect(error.message).toContain(url);
          expect(error.message).toContain('url_fetch.file_roots');
        }
        await expectNotStored();
      });

      it('a document over max_document_bytes is 413, inline or as a data: URL', async () => {
        const big = 'word '.repeat(maxDocumentBytes / 4);
        for (const content of [big, `data:text/plain;base64,${Buffer.from(big).toString('base64')}`]) {
          const error = await expectRefused(insert('library', [note(content)]), 413);
          expect(error.message).toContain('documents.0.content');
          expect(error.message).toContain(`limit of ${maxDocumentBytes} bytes`);
          expect(error.message).toContain('max_document_bytes');
        }
        await expectNotStored();
      });

      it('a malformed data: URL is 400 naming the document field and what is wrong', async () => {
        const cases: [string, RegExp][] = [
          ['data:text/plain;base64,@@not base64@@', /base64 payload is not valid base64/],
          ['data:text/plain;base64SGVsbG8=', /needs a comma/],
          ['data:text/plain,%E0%A4%A', /invalid %-escape/],
        ];
        for (const [content, problem] of cases) {
          const error = await expectRefused(insert('library', [note(content)]), 400);
          expect(error.field).toBe('documents.0.content');
          expect(error.message).toMatch(/malformed data: URL/);
          expect(error.message).toMatch(problem);
        }
        await expectNotStored();
      });

      it('names the field of other bad requests: a missing mime_type, an unknown embedding model', async () => {
        const noType = await expectRefused(
          insert('library', [{ uuid: 'bad', content: 'x' } as MemoryDocument]),
          400,
        );
        expect(noType.field).toBe('documents.0.mime_type');
        const unknownModel = await expectRefused(
          post('/memory_banks/create?bank_uuid=other&bank_name=Other&embedding_model=no-such-embedder', []),
          404,
        );
        expect(unknownModel.message).toContain("'no-such-embedder'");
      });

      it('answered no request with a 5xx', () => {
        expect(statuses.length).toBeGreaterThan(50);
        expect(statuses.filter((status) => status >= 500)).toEqual([]);
      });
    });
  },
);
