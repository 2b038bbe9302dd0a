import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DisposedError,
  type FilePurpose,
  ListFilesRequest,
  type ListFilesRequestInput,
  NotFoundError,
  PayloadTooLargeError,
  type UploadedFile,
  uploadedFile,
} from '@llama-stack-ts/core';
import { stackErrorOf } from '@llama-stack-ts/provider-utils/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFsFilesConfig } from '../src/localfs-config.js';
import { LocalFsFiles } from '../src/localfs-files.js';

let dataDir: string;
let clock: number;
const opened: LocalFsFiles[] = [];

async function open(config = {}): Promise<LocalFsFiles> {
  const files = await LocalFsFiles.open({
    config: LocalFsFilesConfig.parse(config),
    dataDir,
    now: () => clock,
  });
  opened.push(files);
  return files;
}

const list = (files: LocalFsFiles, request: ListFilesRequestInput = {}) =>
  files.listFiles(ListFilesRequest.parse(request));

async function contentOf(files: LocalFsFiles, fileId: string): Promise<string> {
  return new Response((await files.retrieveFileContent({ file_id: fileId })).stream).text();
}

/** Everything left in the provider's directories, by directory. */
async function onDisk(): Promise<Record<string, string[]>> {
  const names = async (dir: string) => (await readdir(join(dataDir, dir))).sort();
  return { content: await names('content'), metadata: await names('metadata'), tmp: await names('tmp') };
}

/** A file whose stream sends `chunks`, then fails as a client that went away would. */
function brokenUpload(chunks: string[]): UploadedFile {
  const encoder = new TextEncoder();
  return {
    filename: 'broken.jsonl',
    content_type: 'application/jsonl',
    stream: new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.error(new Error('connection reset'));
      },
    }),
  };
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lsts-files-'));
  clock = Date.UTC(2025, 0, 1);
});

afterEach(async () => {
  for (const files of opened.splice(0)) await files.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

describe('LocalFsFiles', () => {
  it('stores a file and answers its object and its bytes', async () => {
    const files = await open();
    const text = '{"custom_id":"a"}\n{"custom_id":"ü"}\n';
    const created = await files.uploadFile({
      file: uploadedFile('requests.jsonl', text, 'application/jsonl'),
      purpose: 'batch',
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^file-[0-9a-f]{28}$/),
      object: 'file',
      bytes: Buffer.byteLength(text),
      created_at: clock / 1000,
      expires_at: null,
      filename: 'requests.jsonl',
      purpose: 'batch',
      status: 'processed',
    });
    expect(await files.retrieveFile({ file_id: created.id })).toEqual(created);
    const content = await files.retrieveFileContent({ file_id: created.id });
    expect([content.filename, content.content_type, content.bytes]).toEqual([
      'requests.jsonl',
      'application/jsonl',
      Buffer.byteLength(text),
    ]);
    expect(await new Response(content.stream).text()).toBe(text);
  });

  it('keeps binary bytes exactly, and stores an empty file', async () => {
    const files = await open();
    const bytes = new Uint8Array(70_000).map((_, index) => (index * 31) % 256);
    const binary = await files.uploadFile({ file: uploadedFile('blob.bin', bytes), purpose: 'user_data' });
    const content = await files.retrieveFileContent({ file_id: binary.id });
    expect(new Uint8Array(await new Response(content.stream).arrayBuffer())).toEqual(bytes);
    const empty = await files.uploadFile({ file: uploadedFile('empty.txt', ''), purpose: 'assistants' });
    expect(empty.bytes).toBe(0);
    expect(await contentOf(files, empty.id)).toBe('');
  });

  it('deletes a file and its bytes; then every route answers 404 naming the id', async () => {
    const files = await open();
    const { id } = await files.uploadFile({ file: uploadedFile('a.txt', 'a'), purpose: 'user_data' });
    expect(await files.deleteFile({ file_id: id })).toEqual({ id, object: 'file', deleted: true });
    expect(await onDisk()).toEqual({ content: [], metadata: [], tmp: [] });
    // Each call starts only when awaited: a rejection made early would be reported as unhandled.
    for (const call of [
      () => files.retrieveFile({ file_id: id }),
      () => files.retrieveFileContent({ file_id: id }),
      () => files.deleteFile({ file_id: id }),
    ]) {
      const error = await stackErrorOf(call());
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toContain(id);
    }
  });

  it.each([['file-does-not-exist'], ['../metadata/x'], ['file-0000000000000000000000000000']])(
    'answers 404 for the id %s',
    async (fileId) => {
      const files = await open();
      const error = await stackErrorOf(files.retrieveFile({ file_id: fileId }));
      expect(error.status).toBe(404);
      expect(error.message).toContain(`'${fileId}'`);
    },
  );

  it('keeps its files across a restart: a new instance lists and serves them', async () => {
    const first = await open();
    const a = await first.uploadFile({ file: uploadedFile('a.jsonl', 'first\n'), purpose: 'batch' });
    const b = await first.uploadFile({ file: uploadedFile('b.jsonl', 'second\n'), purpose: 'evals' });
    await first.dispose();
    expect((await stackErrorOf(first.retrieveFile({ file_id: a.id }))).constructor).toBe(DisposedError);

    const second = await open();
    expect((await list(second)).data).toEqual([b, a]);
    expect(await contentOf(second, a.id)).toBe('first\n');
  });

  it('sees at once what another instance on the same directory (a worker process) writes and deletes', async () => {
    const server = await open();
    const worker = await open();
    expect((await list(server)).data).toEqual([]);
    const output = await worker.uploadFile({ file: uploadedFile('out.jsonl', 'x\n'), purpose: 'batch' });
    expect((await list(server)).data).toEqual([output]);
    expect(await contentOf(server, output.id)).toBe('x\n');
    await worker.deleteFile({ file_id: output.id });
    expect((await list(server)).data).toEqual([]);
    expect((await stackErrorOf(server.retrieveFile({ file_id: output.id }))).status).toBe(404);
  });

  describe('an upload that does not complete leaves nothing', () => {
    it('when the stream fails midway', async () => {
      const files = await open();
      await expect(
        files.uploadFile({ file: brokenUpload(['{"a":1}\n', '{"b":']), purpose: 'batch' }),
      ).rejects.toThrow('connection reset');
      expect((await list(files)).data).toEqual([]);
      expect(await onDisk()).toEqual({ content: [], metadata: [], tmp: [] });
    });

    it('when it passes max_file_bytes (413)', async () => {
      const files = await open({ max_file_bytes: 10 });
      const error = await stackErrorOf(
        files.uploadFile({ file: uploadedFile('big.txt', 'x'.repeat(11)), purpose: 'user_data' }),
      );
      expect(error).toBeInstanceOf(PayloadTooLargeError);
      expect(error.message).toContain('max_file_bytes');
      expect(await onDisk()).toEqual({ content: [], metadata: [], tmp: [] });
      const fits = await files.uploadFile({
        file: uploadedFile('fits.txt', 'x'.repeat(10)),
        purpose: 'user_data',
      });
      expect(fits.bytes).toBe(10);
    });

    it('when the caller aborts', async () => {
      const files = await open();
      const controller = new AbortController();
      const endless = new ReadableStream<Uint8Array>({
        pull(stream) {
          stream.enqueue(new Uint8Array(1024));
          controller.abort();
        },
      });
      await expect(
        files.uploadFile(
          {
            file: { filename: 'endless.bin', content_type: 'application/octet-stream', stream: endless },
            purpose: 'batch',
          },
          { signal: controller.signal },
        ),
      ).rejects.toThrow();
      expect(await onDisk()).toEqual({ content: [], metadata: [], tmp: [] });
    });
  });

  it('clears what a crash left on open: old temporary files and content never registered, not young ones', async () => {
    const first = await open();
    const kept = await first.uploadFile({ file: uploadedFile('kept.txt', 'kept'), purpose: 'user_data' });
    await first.dispose();
    const orphan = 'file-0193000000000000000000000001';
    const youngOrphan = 'file-0193000000000000000000000002';
    for (const path of [join(dataDir, 'content', orphan), join(dataDir, 'tmp', 'old.part')]) {
      await writeFile(path, 'half a file');
      const hourAndMore = new Date(clock - 61 * 60 * 1000);
      await utimes(path, hourAndMore, hourAndMore);
    }
    await writeFile(join(dataDir, 'content', youngOrphan), 'still being written');
    await writeFile(join(dataDir, 'tmp', 'young.part'), 'still being written');
    const young = new Date(clock - 60 * 1000);
    await utimes(join(dataDir, 'content', youngOrphan), young, young);
    await utimes(join(dataDir, 'tmp', 'young.part'), young, young);

    const second = await open();
    expect(await onDisk()).toEqual({
      content: [kept.id, youngOrphan].sort(),
      metadata: [`${kept.id}.json`],
      tmp: ['young.part'],
    });
    expect((await list(second)).data).toEqual([kept]);
  });

  it('honours expires_after: the file answers until then, after it 404 and is removed', async () => {
    const files = await open();
    const expiring = await files.uploadFile({
      file: uploadedFile('soon.txt', 'soon'),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    const lasting = await files.uploadFile({ file: uploadedFile('later.txt', 'later'), purpose: 'batch' });
    expect(expiring.expires_at).toBe(clock / 1000 + 3600);

    clock += 3599 * 1000;
    expect(await contentOf(files, expiring.id)).toBe('soon');
    clock += 1000;
    const error = await stackErrorOf(files.retrieveFile({ file_id: expiring.id }));
    expect(error.status).toBe(404);
    expect(error.message).toContain(expiring.id);
    expect((await list(files)).data).toEqual([lasting]);
    expect(await onDisk()).toEqual({ content: [lasting.id], metadata: [`${lasting.id}.json`], tmp: [] });
  });

  it('removes an expired file that a listing comes across', async () => {
    const files = await open();
    await files.uploadFile({
      file: uploadedFile('soon.txt', 'soon'),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    clock += 3600 * 1000;
    expect(await list(files)).toEqual({
      object: 'list',
      data: [],
      has_more: false,
      first_id: null,
      last_id: null,
    });
    expect(await onDisk()).toEqual({ content: [], metadata: [], tmp: [] });
  });

  describe('listing', () => {
    const purposes: FilePurpose[] = ['batch', 'user_data', 'batch', 'batch', 'evals', 'batch'];
    let files: LocalFsFiles;
    let ids: string[];

    beforeEach(async () => {
      files = await open();
      ids = [];
      for (const [index, purpose] of purposes.entries()) {
        ids.push((await files.uploadFile({ file: uploadedFile(`f${index}.txt`, `${index}`), purpose })).id);
      }
    });

    const idsOf = (page: { data: { id: string }[] }) => page.data.map((file) => file.id);

    it('answers every file newest first by default, oldest first with order asc', async () => {
      expect(idsOf(await list(files))).toEqual([...ids].reverse());
      expect(idsOf(await list(files, { order: 'asc' }))).toEqual(ids);
    });

    it('pages with limit and after (the previous last_id), in both orders', async () => {
      const collect = async (order: 'asc' | 'desc') => {
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await list(files, { limit: 4, order, ...(after ? { after } : {}) });
          seen.push(...idsOf(page));
          expect([page.first_id, page.last_id]).toEqual([
            page.data[0]?.id ?? null,
            page.data.at(-1)?.id ?? null,
          ]);
          if (!page.has_more) return seen;
          after = page.last_id ?? undefined;
        }
      };
      expect(await collect('desc')).toEqual([...ids].reverse());
      expect(await collect('asc')).toEqual(ids);
      const firstPage = await list(files, { limit: 6 });
      expect([firstPage.data.length, firstPage.has_more]).toEqual([6, false]);
    });

    it('filters by purpose before the limit', async () => {
      const batch = ids.filter((_, index) => purposes[index] === 'batch');
      const page = await list(files, { purpose: 'batch', limit: 3, order: 'asc' });
      expect(idsOf(page)).toEqual(batch.slice(0, 3));
      expect(page.has_more).toBe(true);
      const rest = await list(files, { purpose: 'batch', order: 'asc', after: page.last_id ?? '' });
      expect(idsOf(rest)).toEqual(batch.slice(3));
      expect(rest.has_more).toBe(false);
    });

    it('places an after cursor whose file was deleted meanwhile', async () => {
      await files.deleteFile({ file_id: ids[2]! });
      expect(idsOf(await list(files, { order: 'asc', after: ids[2]! }))).toEqual(ids.slice(3));
      expect(idsOf(await list(files, { after: ids[2]! }))).toEqual([ids[1], ids[0]]);
    });
  });
});
