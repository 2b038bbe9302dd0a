import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFixtureServer, type FixtureServer } from '@llama-stack-ts/provider-utils/test';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAllChildren, type RunningDistribution, stopDistribution } from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// The Datasets API end to end: `llama-stack-ts run local` (inline::localfs) over a real socket,
// with content in each format under the data directory (the default url_fetch.file_roots), a
// fixture server on 127.0.0.2 (allowed through LLAMA_STACK_TS_ALLOWED_PRIVATE_HOSTS) and one on
// 127.0.0.1 (refused, never asked). The suite restarts the process on the same home once.

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

interface Page {
  data: Record<string, unknown>[];
  next_start_index: number | null;
}

const dialogs = Array.from({ length: 12 }, (_, index) => ({
  dialog: [
    { role: 'user', content: `Question ${index}: where is my parcel?` },
    { role: 'assistant', content: `Answer ${index}: it ships tomorrow.` },
  ],
  rating: index % 5,
}));
const columns = { dialog: 'dialog', rating: 'number' };
const expectedRows = dialogs.map((row) => ({
  ...row,
  dialog: row.dialog.map((message) => ({ ...message, tool_calls: [], tool_responses: [] })),
}));

const jsonl = (rows: readonly unknown[]) => `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
const csv = [
  'dialog,rating',
  ...dialogs.map((row) => `"${JSON.stringify(row.dialog).replaceAll('"', '""')}",${row.rating}`),
].join('\n');

describeWithModels(
  'llama-stack-ts run local: datasets (inline::localfs)',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    let home: string;
    let files: string;
    let distribution: RunningDistribution;
    let allowed: FixtureServer;
    let refused: FixtureServer;

    const start = () =>
      startLocalDistribution({ home, env: { LLAMA_STACK_TS_ALLOWED_PRIVATE_HOSTS: '127.0.0.2' } });
    const fileUrl = (name: string) => pathToFileURL(join(files, name)).href;
    const create = (uuid: string, content_url: string, datasetColumns: Record<string, string> = columns) =>
      postJson(`${distribution.url}/datasets/create`, {
        uuid,
        dataset: { columns: datasetColumns, content_url, metadata: { source: 'e2e' } },
      });
    const get = (path: string) => fetch(`${distribution.url}${path}`);
    const rows = async (datasetId: string, startIndex = 0, limit = 100): Promise<Page> => {
      const response = await get(
        `/datasets/iterrows?dataset_id=${datasetId}&start_index=${startIndex}&limit=${limit}`,
      );
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as Page;
    };
    const copies = () => readdir(join(home, 'local', 'datasets', 'content'));

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-datasets-'));
      files = join(home, 'local', 'files');
      await mkdir(files, { recursive: true });
      await writeFile(join(files, 'support.jsonl'), jsonl(dialogs));
      await writeFile(join(files, 'support.json'), JSON.stringify(dialogs));
      await writeFile(join(files, 'support.csv'), csv);
      await parquetWriteFile({
        filename: join(files, 'support.parquet'),
        columnData: [
          { name: 'dialog', data: dialogs.map((row) => row.dialog), type: 'JSON' },
          { name: 'rating', data: dialogs.map((row) => row.rating), type: 'INT32' },
        ],
        rowGroupSize: 5,
      });
      await writeFile(
        join(files, 'bad-row.jsonl'),
        jsonl([dialogs[0], dialogs[1], { dialog: [{ role: 'narrator', content: 'x' }], rating: 1 }]),
      );
      await writeFile(join(home, 'outside.jsonl'), jsonl(dialogs));
      allowed = await createFixtureServer(
        { '/exports/support.jsonl': { text: jsonl(dialogs), headers: { 'content-type': 'text/plain' } } },
        { host: '127.0.0.2' },
      );
      refused = await createFixtureServer({ '/support.jsonl': { text: jsonl(dialogs) } });
      distribution = await start();
    });

    afterAll(async () => {
      await killAllChildren();
      await allowed?.close();
      await refused?.close();
      await rm(home, { recursive: true, force: true });
    });

    it.each([['support.jsonl'], ['support.json'], ['support.csv'], ['support.parquet']])(
      'creates a dataset from %s and serves its rows, typed by the columns',
      async (name) => {
        const uuid = name.replace('.', '-');
        const created = await create(uuid, fileUrl(name));
        expect(created.status, await created.clone().text()).toBe(200);
        const dataset = await (await get(`/datasets/get?dataset_id=${uuid}`)).json();
        expect(dataset).toEqual({ columns, content_url: fileUrl(name), metadata: { source: 'e2e' } });
        expect((await rows(uuid)).data).toEqual(expectedRows);
      },
    );

    it('pages with iterrows: limit rows from start_index and where the next page starts', async () => {
      const first = await rows('support-parquet', 0, 5);
      expect(first.data.map((row) => row.rating)).toEqual([0, 1, 2, 3, 4]);
      expect(first.next_start_index).toBe(5);
      const last = await rows('support-jsonl', 10, 5);
      expect(last).toEqual({ data: expectedRows.slice(10), next_start_index: null });
      const invalid = await get('/datasets/iterrows?dataset_id=support-jsonl&limit=0');
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as ErrorBody).error.field).toBe('limit');
    });

    it('answers a bad row with 400 naming the row and the column, registering nothing', async () => {
      const response = await create('bad', fileUrl('bad-row.jsonl'));
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as ErrorBody;
      expect(error.field).toBe('dataset.content_url');
      expect(error.message).toMatch(/row 2 \(counting from 0, line 3\), column 'dialog': 0\.role/);
      expect((await get('/datasets/get?dataset_id=bad')).status).toBe(404);
    });

    it('answers 403 for a file outside url_fetch.file_roots and for a loopback http URL, fetching nothing', async () => {
      const outside = await create('outside', pathToFileURL(join(home, 'outside.jsonl')).href);
      expect(outside.status).toBe(403);
      expect(((await outside.json()) as ErrorBody).error.message).toContain('url_fetch.file_roots');

      const loopback = await create('loopback', `${refused.url}/support.jsonl`);
      expect(loopback.status).toBe(403);
      expect(((await loopback.json()) as ErrorBody).error.message).toContain(
        'url_fetch.allowed_private_hosts',
      );
      const metadata = await create('metadata', 'http://169.254.169.254/latest/meta-data/rows.jsonl');
      expect(metadata.status).toBe(403);
      expect(refused.requests).toEqual([]);
    });

    it('downloads an http URL of an allowed host into a copy, and 409s a second create under its uuid', async () => {
      const created = await create('remote', `${allowed.url}/exports/support.jsonl`);
      expect(created.status, await created.clone().text()).toBe(200);
      expect(await copies()).toHaveLength(1);
      expect((await rows('remote')).data).toEqual(expectedRows);

      const again = await create('remote', fileUrl('support.jsonl'));
      expect(again.status).toBe(409);
      expect(((await again.json()) as ErrorBody).error.message).toContain("'remote' already exists");
    });

    it('keeps datasets across a restart, and delete removes the copy', async () => {
      expect((await stopDistribution(distribution)).code).toBe(0);
      distribution = await start();
      expect((await rows('remote')).data).toEqual(expectedRows);
      expect((await rows('support-csv', 11)).data).toEqual(expectedRows.slice(11));

      const deleted = await fetch(`${distribution.url}/datasets/delete?dataset_id=remote`, {
        method: 'DELETE',
      });
      expect(deleted.status).toBe(200);
      expect(await copies()).toEqual([]);
      expect((await get('/datasets/get?dataset_id=remote')).status).toBe(404);
      expect((await get('/datasets/iterrows?dataset_id=remote')).status).toBe(404);
    });
  },
);
