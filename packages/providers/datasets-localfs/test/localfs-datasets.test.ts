import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConflictError,
  CreateDatasetRequest,
  type CreateDatasetRequestInput,
  type DatasetRow,
  ForbiddenError,
  InvalidRequestError,
  IterrowsRequest,
  NotFoundError,
  type UrlPolicy,
} from '@llama-stack-ts/core';
import { createFixtureServer, type FixtureServer, stackErrorOf } from '@llama-stack-ts/provider-utils/test';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalFsDatasetsConfig } from '../src/localfs-config.js';
import { LocalFsDatasets } from '../src/localfs-datasets.js';

const dialogs = [
  { dialog: [{ role: 'user', content: 'My parcel is late.' }], rating: 4, topic: 'shipping' },
  {
    dialog: [
      { role: 'user', content: 'How do I return a jacket?' },
      { role: 'assistant', content: 'Print the label in your order page.' },
    ],
    rating: 5,
    topic: 'returns',
  },
  { dialog: [{ role: 'user', content: 'Is the shop open on Sunday?' }], rating: 3, topic: 'hours' },
];
const dialogColumns = { dialog: 'dialog', rating: 'number' } as const;

/** The rows as the API answers them: messages with their defaults filled in. */
const expectedDialogRows = dialogs.map((row) => ({
  ...row,
  dialog: row.dialog.map((message) => ({ ...message, tool_calls: [], tool_responses: [] })),
}));

const jsonl = (rows: readonly unknown[]) => `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
const csvCell = (value: string) => `"${value.replaceAll('"', '""')}"`;
const dialogCsv = [
  'dialog,rating,topic',
  ...dialogs.map((row) => [csvCell(JSON.stringify(row.dialog)), String(row.rating), row.topic].join(',')),
].join('\r\n');

let root: string;
let files: string;
let dataDir: string;
let server: FixtureServer;
let datasets: LocalFsDatasets;

async function open(policy: Partial<UrlPolicy> = {}, config = {}): Promise<LocalFsDatasets> {
  return LocalFsDatasets.open({
    config: LocalFsDatasetsConfig.parse(config),
    dataDir,
    urlPolicy: { allowedFileRoots: [files], allowedPrivateHosts: ['127.0.0.1'], ...policy },
  });
}

const create = (uuid: string, dataset: CreateDatasetRequestInput['dataset'], target = datasets) =>
  target.createDataset(CreateDatasetRequest.parse({ uuid, dataset }));

const page = (dataset_id: string, start_index = 0, limit = 100, target = datasets) =>
  target.iterrows(IterrowsRequest.parse({ dataset_id, start_index, limit }));

async function allRows(datasetId: string, startIndex = 0): Promise<DatasetRow[]> {
  const rows: DatasetRow[] = [];
  for await (const row of datasets.iterateRows({ dataset_id: datasetId, start_index: startIndex }))
    rows.push(row);
  return rows;
}

const copies = async () => (await readdir(join(dataDir, 'content'))).sort();

beforeAll(async () => {
  server = await createFixtureServer({
    '/support.jsonl': { text: jsonl(dialogs), headers: { 'content-type': 'application/octet-stream' } },
    '/export': { text: dialogCsv, headers: { 'content-type': 'text/csv; charset=utf-8' } },
  });
});

afterAll(() => server.close());

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'localfs-datasets-'));
  files = join(root, 'files');
  dataDir = join(root, 'data');
  await mkdir(files);
  await writeFile(join(files, 'support.jsonl'), jsonl(dialogs));
  await writeFile(join(files, 'support.json'), JSON.stringify(dialogs, null, 2));
  await writeFile(join(files, 'support.csv'), dialogCsv);
  await parquetWriteFile({
    filename: join(files, 'support.parquet'),
    columnData: [
      { name: 'dialog', data: dialogs.map((row) => row.dialog), type: 'JSON' },
      { name: 'rating', data: dialogs.map((row) => BigInt(row.rating)), type: 'INT64' },
      { name: 'topic', data: dialogs.map((row) => row.topic), type: 'STRING' },
    ],
    // Two row groups, so reading and paging cross one.
    rowGroupSize: 2,
  });
  datasets = await open();
});

afterEach(async () => {
  await datasets.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('inline::localfs: formats', () => {
  it.each([['support.jsonl'], ['support.json'], ['support.csv'], ['support.parquet']])(
    'reads %s through a file:// URL, rows typed by the columns',
    async (name) => {
      const content_url = pathToFileURL(join(files, name)).href;
      await create('support', { columns: dialogColumns, content_url, metadata: { source: name } });
      expect(await datasets.getDataset({ dataset_id: 'support' })).toEqual({
        columns: dialogColumns,
        content_url,
        metadata: { source: name },
      });
      expect(await allRows('support')).toEqual(expectedDialogRows);
      expect(await copies()).toEqual([]);
    },
  );

  it('reads a data: URL and keeps a copy, which delete removes', async () => {
    const content_url = `data:application/jsonl;base64,${Buffer.from(jsonl(dialogs)).toString('base64')}`;
    await create('inline', { columns: { dialog: 'dialog' }, content_url });
    expect(await copies()).toHaveLength(1);
    expect((await page('inline')).data).toEqual(expectedDialogRows);
    await datasets.deleteDataset({ dataset_id: 'inline' });
    expect(await copies()).toEqual([]);
    expect(await stackErrorOf(datasets.getDataset({ dataset_id: 'inline' }))).toBeInstanceOf(NotFoundError);
  });

  it('downloads an http(s) URL of an allowed host, telling the format by extension or media type', async () => {
    await create('by-extension', { columns: dialogColumns, content_url: `${server.url}/support.jsonl` });
    await create('by-media-type', { columns: dialogColumns, content_url: `${server.url}/export` });
    expect(await allRows('by-extension')).toEqual(expectedDialogRows);
    expect(await allRows('by-media-type')).toEqual(expectedDialogRows);
    expect(await copies()).toHaveLength(2);
  });

  it('refuses a content whose format it cannot tell, with 400 listing the formats', async () => {
    const error = await stackErrorOf(
      create('plain', { columns: { text: 'text' }, content_url: 'data:text/plain,hello' }),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.field).toBe('dataset.content_url');
    expect(error.message).toContain('.jsonl, .json, .csv or .parquet');
    expect(await copies()).toEqual([]);
  });
});

describe('inline::localfs: rows checked on create', () => {
  const badRowCases: [string, string, string, RegExp][] = [
    [
      'a dialog message without a role',
      'bad.jsonl',
      jsonl([dialogs[0], { dialog: [{ content: 'hi' }], rating: 1 }]),
      /row 1 \(counting from 0, line 2\), column 'dialog': 0\.role/,
    ],
    [
      'a number column holding text',
      'bad.jsonl',
      jsonl([{ ...dialogs[0], rating: 'five' }]),
      /row 0 \(counting from 0, line 1\), column 'rating': .*number/,
    ],
    [
      'a missing column',
      'bad.json',
      JSON.stringify([dialogs[0], dialogs[1], { dialog: dialogs[0]?.dialog }]),
      /row 2 \(counting from 0, line 1\), column 'rating': has no value/,
    ],
    [
      'a line that is not JSON',
      'bad.jsonl',
      `${JSON.stringify(dialogs[0])}\n{"dialog": [\n`,
      /row 1 \(counting from 0, line 2\): is not JSON/,
    ],
    [
      'a CSV cell that is not a number',
      'bad.csv',
      `dialog,rating\n${csvCell(JSON.stringify(dialogs[0]?.dialog))},lots\n`,
      /row 0 \(counting from 0, line 2\), column 'rating': 'lots' is not a number/,
    ],
    ['a CSV header without a declared column', 'bad.csv', 'dialog,score\n"[]",1\n', /has no column 'rating'/],
    ['a JSON file that is not an array', 'bad.json', JSON.stringify(dialogs[0]), /is not a JSON array/],
  ];

  it.each(badRowCases)(
    'answers %s with 400 naming the row and column, registering nothing',
    async (_name, file, text, message) => {
      await writeFile(join(files, file), text);
      const error = await stackErrorOf(
        create('bad', { columns: dialogColumns, content_url: pathToFileURL(join(files, file)).href }),
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.field).toBe('dataset.content_url');
      expect(error.message).toMatch(message);
      expect(await stackErrorOf(datasets.getDataset({ dataset_id: 'bad' }))).toBeInstanceOf(NotFoundError);
    },
  );

  it('checks text, media and json columns', async () => {
    const rows = [
      { text: 'a caption', image: 'https://example.com/cat.png', extra: { any: ['json', 1] } },
      {
        text: 'another',
        image: { url: 'data:image/png;base64,iVBORw0KGgo=', mime_type: 'image/png' },
        extra: null,
      },
    ];
    const columns = { text: 'text', image: 'media', extra: 'json' } as const;
    await writeFile(join(files, 'media.jsonl'), jsonl(rows));
    await create('media', { columns, content_url: pathToFileURL(join(files, 'media.jsonl')).href });
    expect(await allRows('media')).toEqual(rows);

    await writeFile(join(files, 'bad-media.jsonl'), jsonl([{ ...rows[0], image: 'cat.png' }]));
    const error = await stackErrorOf(
      create('bad-media', { columns, content_url: pathToFileURL(join(files, 'bad-media.jsonl')).href }),
    );
    expect(error.message).toMatch(/column 'image'.*media column holds/);
  });

  it('answers a duplicate uuid with 409, also while the first is being created', async () => {
    const content_url = pathToFileURL(join(files, 'support.jsonl')).href;
    const [first, second] = await Promise.allSettled([
      create('twice', { columns: dialogColumns, content_url }),
      create('twice', { columns: dialogColumns, content_url }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason).toBeInstanceOf(ConflictError);
    const again = await stackErrorOf(create('twice', { columns: dialogColumns, content_url }));
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.status).toBe(409);
    expect(again.message).toContain('DELETE /datasets/delete');
  });
});

describe('inline::localfs: url_fetch', () => {
  it('refuses a file outside the file roots, also through a symbolic link, with 403', async () => {
    await writeFile(join(root, 'outside.jsonl'), jsonl(dialogs));
    await symlink(join(root, 'outside.jsonl'), join(files, 'link.jsonl'));
    for (const path of [join(root, 'outside.jsonl'), join(files, 'link.jsonl')]) {
      const error = await stackErrorOf(
        create('outside', { columns: dialogColumns, content_url: pathToFileURL(path).href }),
      );
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.message).toContain('url_fetch.file_roots');
    }
  });

  it('refuses a loopback http URL unless allowed, with 403 and no request made', async () => {
    await using strict = await open({ allowedPrivateHosts: [] });
    const requestsBefore = server.requests.length;
    const error = await stackErrorOf(
      create('loopback', { columns: dialogColumns, content_url: `${server.url}/support.jsonl` }, strict),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain('url_fetch.allowed_private_hosts');
    expect(server.requests.length).toBe(requestsBefore);
  });

  it('answers a content over max_content_bytes with 413 and leaves no partial copy', async () => {
    await using small = await open({}, { max_content_bytes: 64 });
    const error = await stackErrorOf(
      create('big', { columns: dialogColumns, content_url: `${server.url}/support.jsonl` }, small),
    );
    expect(error.status).toBe(413);
    expect(error.message).toContain('max_content_bytes');
    expect(await copies()).toEqual([]);
  });
});

describe('inline::localfs: reading rows', () => {
  beforeEach(async () => {
    const rows = Array.from({ length: 25 }, (_, index) => ({ text: `row ${index}`, n: index }));
    await writeFile(join(files, 'numbers.jsonl'), jsonl(rows));
    await writeFile(join(files, 'numbers.json'), JSON.stringify(rows));
    await writeFile(
      join(files, 'numbers.csv'),
      ['text,n', ...rows.map((row) => `${row.text},${row.n}`)].join('\n'),
    );
    await parquetWriteFile({
      filename: join(files, 'numbers.parquet'),
      columnData: [
        { name: 'text', data: rows.map((row) => row.text), type: 'STRING' },
        { name: 'n', data: rows.map((row) => row.n), type: 'INT32' },
      ],
      rowGroupSize: 7,
    });
  });

  it.each([['numbers.jsonl'], ['numbers.json'], ['numbers.csv'], ['numbers.parquet']])(
    'pages through %s with iterrows and next_start_index',
    async (name) => {
      const columns = { text: 'text', n: 'number' } as const;
      await create('numbers', { columns, content_url: pathToFileURL(join(files, name)).href });
      const seen: number[] = [];
      let start: number | null = 0;
      const starts: number[] = [];
      while (start !== null) {
        starts.push(start);
        const { data, next_start_index } = await page('numbers', start, 10);
        seen.push(...data.map((row) => row.n as number));
        start = next_start_index;
      }
      expect(starts).toEqual([0, 10, 20]);
      expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => index));
      expect(await page('numbers', 20, 5)).toMatchObject({ next_start_index: null });
      expect(await page('numbers', 30, 5)).toEqual({ data: [], next_start_index: null });
      expect((await allRows('numbers', 23)).map((row) => row.n)).toEqual([23, 24]);
    },
  );

  it('answers an unknown dataset with 404 naming it', async () => {
    const error = await stackErrorOf(page('nope'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain("'nope'");
  });

  it('answers 409 when a file:// content no longer fits its columns', async () => {
    const path = join(files, 'numbers.jsonl');
    await create('changing', {
      columns: { text: 'text', n: 'number' },
      content_url: pathToFileURL(path).href,
    });
    await writeFile(
      path,
      jsonl([
        { text: 'fine', n: 1 },
        { text: 'broken', n: 'two' },
      ]),
    );
    const error = await stackErrorOf(page('changing'));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/row 1 .*column 'n'.*changed since the dataset was created/);
  });
});

describe('inline::localfs: persistence', () => {
  it('keeps datasets and their copies across a restart', async () => {
    await create('kept', {
      columns: dialogColumns,
      content_url: `${server.url}/support.jsonl`,
      metadata: { v: 1 },
    });
    await create('local', {
      columns: dialogColumns,
      content_url: pathToFileURL(join(files, 'support.csv')).href,
    });
    await datasets.dispose();

    datasets = await open();
    expect(await datasets.getDataset({ dataset_id: 'kept' })).toMatchObject({ metadata: { v: 1 } });
    expect(await allRows('kept')).toEqual(expectedDialogRows);
    expect(await allRows('local')).toEqual(expectedDialogRows);
    expect(
      await stackErrorOf(create('kept', { columns: dialogColumns, content_url: 'data:application/json,[]' })),
    ).toBeInstanceOf(ConflictError);
  });

  it('shares the registry with another process on the data directory: creates and deletes are seen at once, none lost', async () => {
    const other = await open();
    try {
      const file = (name: string) => pathToFileURL(join(files, name)).href;
      await create('from-a', { columns: dialogColumns, content_url: file('support.jsonl') });
      expect(await other.getDataset({ dataset_id: 'from-a' })).toMatchObject({
        content_url: file('support.jsonl'),
      });
      expect(await page('from-a', 0, 1, other)).toMatchObject({ next_start_index: 1 });

      // Both write at once: every dataset is kept, and one uuid goes to one of them only.
      const names = Array.from({ length: 6 }, (_, index) => `both-${index}`);
      await Promise.all(
        names.map((name, index) =>
          create(
            name,
            { columns: dialogColumns, content_url: file('support.csv') },
            index % 2 ? other : datasets,
          ),
        ),
      );
      const twice = await Promise.allSettled(
        [datasets, other].map((target) =>
          create('contested', { columns: dialogColumns, content_url: file('support.csv') }, target),
        ),
      );
      expect(twice.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      for (const name of [...names, 'contested']) {
        expect(await datasets.getDataset({ dataset_id: name })).toBeDefined();
        expect(await other.getDataset({ dataset_id: name })).toBeDefined();
      }

      await other.deleteDataset({ dataset_id: 'from-a' });
      expect(await stackErrorOf(datasets.getDataset({ dataset_id: 'from-a' }))).toBeInstanceOf(NotFoundError);
    } finally {
      await other.dispose();
    }
  });

  it('refuses calls after dispose', async () => {
    await datasets.dispose();
    expect((await stackErrorOf(datasets.getDataset({ dataset_id: 'x' }))).status).toBe(503);
  });
});
