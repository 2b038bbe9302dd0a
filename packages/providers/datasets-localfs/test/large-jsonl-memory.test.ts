import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CreateDatasetRequest, IterrowsRequest } from '@llama-stack-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFsDatasetsConfig } from '../src/localfs-config.js';
import { LocalFsDatasets } from '../src/localfs-datasets.js';

// A 100 MB JSONL dataset is checked on create and read back row by row: the process's memory must
// not grow with the file. Margins are generous (a quarter and a half of the file size), since the
// garbage collector runs when it likes; a reader that loaded the file would need several times it.

const targetBytes = 100 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap and RSS in bytes now, after a full collection. */
function settledMemory(): { heap: number; rss: number } {
  collectGarbage();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

async function writeLargeJsonl(path: string): Promise<{ rows: number; bytes: number }> {
  const out = createWriteStream(path);
  const filler = 'lorem ipsum dolor sit amet '.repeat(6);
  let rows = 0;
  let bytes = 0;
  while (bytes < targetBytes) {
    let block = '';
    for (let line = 0; line < 1000; line++, rows++) {
      block += `${JSON.stringify({ text: `${rows} ${filler}`, n: rows, tags: ['a', 'b'] })}\n`;
    }
    bytes += Buffer.byteLength(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { rows, bytes };
}

describe('inline::localfs on a 100 MB JSONL', () => {
  let root: string;
  let datasets: LocalFsDatasets;
  let written: { rows: number; bytes: number };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'localfs-large-'));
    await mkdir(join(root, 'files'));
    written = await writeLargeJsonl(join(root, 'files', 'large.jsonl'));
    datasets = await LocalFsDatasets.open({
      config: LocalFsDatasetsConfig.parse({}),
      dataDir: join(root, 'data'),
      urlPolicy: { allowedFileRoots: [join(root, 'files')], allowedPrivateHosts: [] },
    });
  });

  afterAll(async () => {
    await datasets?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('checks and reads every row with memory far below the file size', async () => {
    const fileBytes = (await stat(join(root, 'files', 'large.jsonl'))).size;
    expect(fileBytes).toBeGreaterThanOrEqual(targetBytes);
    const before = settledMemory();
    let peak = { heap: 0, rss: 0 };
    const sample = () => {
      const { heapUsed, rss } = process.memoryUsage();
      peak = { heap: Math.max(peak.heap, heapUsed), rss: Math.max(peak.rss, rss) };
    };
    const timer = setInterval(sample, 20);
    try {
      await datasets.createDataset(
        CreateDatasetRequest.parse({
          uuid: 'large',
          dataset: {
            columns: { text: 'text', n: 'number', tags: 'json' },
            content_url: pathToFileURL(join(root, 'files', 'large.jsonl')).href,
          },
        }),
      );
      let count = 0;
      let sum = 0;
      for await (const row of datasets.iterateRows({ dataset_id: 'large' })) {
        sum += row.n as number;
        if (++count % 20_000 === 0) sample();
      }
      expect(count).toBe(written.rows);
      expect(sum).toBe((written.rows * (written.rows - 1)) / 2);
    } finally {
      clearInterval(timer);
    }
    sample();
    const heapGrowth = peak.heap - before.heap;
    const rssGrowth = peak.rss - before.rss;
    console.info(
      `file ${(fileBytes / 2 ** 20).toFixed(0)} MiB, ${written.rows} rows: heap +${(heapGrowth / 2 ** 20).toFixed(1)} MiB, ` +
        `RSS +${(rssGrowth / 2 ** 20).toFixed(1)} MiB at the peak`,
    );
    expect(heapGrowth).toBeLessThan(fileBytes / 4);
    expect(rssGrowth).toBeLessThan(fileBytes / 2);

    const last = await datasets.iterrows(
      IterrowsRequest.parse({ dataset_id: 'large', start_index: written.rows - 2, limit: 10 }),
    );
    expect(last.data.map((row) => row.n)).toEqual([written.rows - 2, written.rows - 1]);
    expect(last.next_start_index).toBeNull();
  });
});
