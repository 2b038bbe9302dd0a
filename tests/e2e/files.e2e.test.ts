import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, type RunningDistribution, stopDistribution } from '../support/cli-process.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// OpenAI's Files API end to end: `llama-stack-ts run local` (inline::localfs) over a real socket,
// driven by the official `openai` client with `baseURL: <server>/v1`, unchanged. A second server on
// its own home runs with a small LLAMA_STACK_TS_MAX_UPLOAD_BYTES for the 413.

const requestLines = Array.from(
  { length: 40 },
  (_, index) =>
    `${JSON.stringify({ custom_id: `request-${index}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: `Say ${index} ü` }] } })}\n`,
).join('');

function openAiClient(distribution: RunningDistribution): OpenAI {
  return new OpenAI({ baseURL: `${distribution.url}/v1`, apiKey: 'unused', maxRetries: 0 });
}

/** The `openai` client's error for a call that must fail. */
async function apiErrorOf(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with an APIError');
}

describeWithModels(
  'llama-stack-ts run local: files (inline::localfs) through the openai client',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    let home: string;
    let distribution: RunningDistribution;
    let client: OpenAI;

    const start = async () => {
      distribution = await startLocalDistribution({ home });
      client = openAiClient(distribution);
    };
    const stored = () => readdir(join(home, 'local', 'files', 'content'));

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-files-'));
      await writeFile(join(home, 'requests.jsonl'), requestLines);
      await start();
    });

    afterAll(async () => {
      await killAllChildren();
      await rm(home, { recursive: true, force: true });
    });

    it('creates a file from a Buffer (toFile) and serves it back byte for byte', async () => {
      const created = await client.files.create({
        file: await toFile(Buffer.from(requestLines), 'requests.jsonl', { type: 'application/jsonl' }),
        purpose: 'batch',
      });
      expect(created).toMatchObject({
        id: expect.stringMatching(/^file-/),
        object: 'file',
        bytes: Buffer.byteLength(requestLines),
        filename: 'requests.jsonl',
        purpose: 'batch',
        expires_at: null,
      });
      expect(await client.files.retrieve(created.id)).toEqual(created);

      const content = await client.files.content(created.id);
      expect(content.headers.get('content-type')).toBe('application/jsonl');
      expect(Buffer.from(await content.arrayBuffer()).equals(Buffer.from(requestLines))).toBe(true);
    });

    it('creates a file from fs.createReadStream, with expires_after', async () => {
      const created = await client.files.create({
        file: createReadStream(join(home, 'requests.jsonl')),
        purpose: 'user_data',
        expires_after: { anchor: 'created_at', seconds: 3600 },
      });
      expect(created).toMatchObject({ filename: 'requests.jsonl', purpose: 'user_data' });
      expect(created.expires_at).toBe(created.created_at + 3600);
      expect(await (await client.files.content(created.id)).text()).toBe(requestLines);
    });

    it('lists with pagination (auto-paging too) and a purpose filter', async () => {
      const evals: string[] = [];
      for (let index = 0; index < 5; index++) {
        const file = await client.files.create({
          file: await toFile(Buffer.from(`{"n":${index}}\n`), `eval-${index}.jsonl`),
          purpose: 'evals',
        });
        evals.push(file.id);
      }
      const firstPage = await client.files.list({ purpose: 'evals', limit: 2 });
      expect(firstPage.data.map((file) => file.id)).toEqual([evals[4], evals[3]]);
      expect(firstPage.has_more).toBe(true);
      expect(firstPage.hasNextPage()).toBe(true);

      const walked: string[] = [];
      for await (const file of client.files.list({ purpose: 'evals', limit: 2, order: 'asc' }))
        walked.push(file.id);
      expect(walked).toEqual(evals);

      const everything = await client.files.list();
      expect(everything.data.length).toBeGreaterThanOrEqual(7);
      expect(new Set(everything.data.map((file) => file.purpose))).toEqual(
        new Set(['batch', 'user_data', 'evals']),
      );
    });

    it('deletes a file; it then answers 404 in OpenAI’s error shape, naming it', async () => {
      const created = await client.files.create({
        file: await toFile(Buffer.from('bye\n'), 'bye.txt'),
        purpose: 'assistants',
      });
      expect(await client.files.delete(created.id)).toEqual({
        id: created.id,
        object: 'file',
        deleted: true,
      });
      const error = await apiErrorOf(client.files.retrieve(created.id));
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error.status).toBe(404);
      expect(error.type).toBe('invalid_request_error');
      expect(error.message).toContain(created.id);
      expect((await apiErrorOf(client.files.content(created.id))).status).toBe(404);
      expect((await apiErrorOf(client.files.delete(created.id))).status).toBe(404);
    });

    it('answers an unknown id 404 in OpenAI’s shape over plain HTTP too', async () => {
      const response = await fetch(`${distribution.url}/v1/files/file-unknown`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: {
          message: expect.stringContaining("'file-unknown'"),
          type: 'invalid_request_error',
          param: null,
          code: 'not_found',
        },
      });
    });

    it.each<[string, string, { withFile: boolean; purpose?: string }]>([
      ['purpose', 'a missing purpose', { withFile: true }],
      ['purpose', 'an unknown purpose', { withFile: true, purpose: 'training' }],
      ['file', 'a missing file', { withFile: false, purpose: 'batch' }],
    ])('answers 400 naming %s for %s', async (param, _case, { withFile, purpose }) => {
      const body = {
        ...(purpose ? { purpose } : {}),
        ...(withFile ? { file: await toFile(Buffer.from(requestLines), 'requests.jsonl') } : {}),
      };
      const error = await apiErrorOf(client.files.create(body as OpenAI.FileCreateParams));
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.param).toBe(param);
      expect(error.message).toContain(param === 'file' ? 'multipart form part named `file`' : 'purpose');
    });

    it('keeps its files across a restart', async () => {
      const created = await client.files.create({
        file: await toFile(Buffer.from('kept\n'), 'kept.txt'),
        purpose: 'batch',
      });
      const before = (await stored()).length;
      expect((await stopDistribution(distribution)).code).toBe(0);
      await start();
      expect(await client.files.retrieve(created.id)).toEqual(created);
      expect(await (await client.files.content(created.id)).text()).toBe('kept\n');
      expect((await stored()).length).toBe(before);
    });

    describe('with LLAMA_STACK_TS_MAX_UPLOAD_BYTES=4096', () => {
      let smallHome: string;
      let small: RunningDistribution;

      beforeAll(async () => {
        smallHome = await mkdtemp(join(tmpdir(), 'lsts-e2e-files-small-'));
        small = await startLocalDistribution({
          home: smallHome,
          env: { LLAMA_STACK_TS_MAX_UPLOAD_BYTES: '4096' },
        });
      });

      afterAll(async () => {
        if (small) await stopDistribution(small);
        await rm(smallHome, { recursive: true, force: true });
      });

      it('answers an upload above the limit 413, naming the limit, and stores nothing', async () => {
        const smallClient = openAiClient(small);
        const fits = await smallClient.files.create({
          file: await toFile(Buffer.from('x'.repeat(1024)), 'fits.txt'),
          purpose: 'user_data',
        });
        expect(fits.bytes).toBe(1024);
        const error = await apiErrorOf(
          smallClient.files.create({
            file: await toFile(Buffer.from('x'.repeat(8192)), 'too-large.txt'),
            purpose: 'user_data',
          }),
        );
        expect(error.status).toBe(413);
        expect(error.message).toContain('4096');
        expect(error.message).toContain('LLAMA_STACK_TS_MAX_UPLOAD_BYTES');
        expect((await smallClient.files.list()).data.map((file) => file.id)).toEqual([fits.id]);
      });
    });
  },
);
