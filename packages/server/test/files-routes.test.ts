import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineRoutes, type FileObject, filesRoutes, type RouteDefinition } from '@llama-stack-ts/core';
import { LocalFsFiles, LocalFsFilesConfig } from '@llama-stack-ts/provider-files-localfs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStackApp } from '../src/create-stack-app.js';
import { openAiRoutes } from '../src/openai/openai-routes.js';
import type { ServableStack } from '../src/servable-stack.js';
import { type StackServer, startStackServer } from '../src/start-stack-server.js';
import { captureLogger } from './capture-logger.js';
import { createFakeStack } from './fake-stack.js';

// OpenAI's Files API as the server serves core's route table (path parameters, a multipart body, a
// binary response) over the real inline::localfs provider, in process and over a socket.

let root: string;
let spoolDir: string;
let files: LocalFsFiles;
let server: StackServer;

const uploadLimitBytes = 64 * 1024;
const bodyLimitBytes = 1024;

function filesStack(): ServableStack {
  const fake = createFakeStack();
  return { ...fake, apis: { ...fake.apis, files } };
}

function form(parts: Record<string, string | Blob>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(parts)) {
    if (value instanceof File) body.append(name, value, value.name);
    else body.append(name, value);
  }
  return body;
}

const upload = (parts: Record<string, string | Blob>) =>
  fetch(`${server.url}/v1/files`, { method: 'POST', body: form(parts) });

const requests = new File(['{"custom_id":"1"}\n{"custom_id":"2"}\n'], 'requests.jsonl', {
  type: 'application/jsonl',
});

interface OpenAiError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lsts-files-routes-'));
  spoolDir = join(root, 'spool');
  files = await LocalFsFiles.open({ config: LocalFsFilesConfig.parse({}), dataDir: join(root, 'files') });
  const { mkdir } = await import('node:fs/promises');
  await mkdir(spoolDir);
  server = await startStackServer(filesStack(), {
    port: 0,
    routes: filesRoutes as readonly RouteDefinition[],
    logger: captureLogger().logger,
    uploadLimitBytes,
    bodyLimitBytes,
    uploadSpoolDir: spoolDir,
  });
});

afterEach(async () => {
  // Every form's spooled files are gone once its request is answered.
  await expect.poll(() => readdir(spoolDir)).toEqual([]);
});

afterAll(async () => {
  await server?.close();
  await files?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('/v1/files over the server', () => {
  it('takes a multipart upload (the file before its fields), then serves it by path parameter', async () => {
    const response = await upload({
      file: requests,
      purpose: 'batch',
      'expires_after[anchor]': 'created_at',
      'expires_after[seconds]': '7200',
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const created = (await response.json()) as FileObject;
    expect(created).toMatchObject({
      object: 'file',
      bytes: requests.size,
      filename: 'requests.jsonl',
      purpose: 'batch',
      expires_at: created.created_at + 7200,
    });

    expect(await (await fetch(`${server.url}/v1/files/${created.id}`)).json()).toEqual(created);
    const content = await fetch(`${server.url}/v1/files/${created.id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('application/jsonl');
    expect(content.headers.get('content-length')).toBe(String(requests.size));
    expect(content.headers.get('content-disposition')).toBe('attachment; filename="requests.jsonl"');
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await content.text()).toBe(await requests.text());

    const listed = (await (await fetch(`${server.url}/v1/files?purpose=batch&limit=1`)).json()) as {
      data: FileObject[];
    };
    expect(listed.data.map((file) => file.id)).toEqual([created.id]);

    const deleted = await fetch(`${server.url}/v1/files/${created.id}`, { method: 'DELETE' });
    expect(await deleted.json()).toEqual({ id: created.id, object: 'file', deleted: true });
    const gone = await fetch(`${server.url}/v1/files/${created.id}/content`);
    expect(gone.status).toBe(404);
    const body = (await gone.json()) as OpenAiError;
    expect(body).toEqual({
      error: {
        message: expect.stringContaining(created.id),
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      },
    });
  });

  it('names a non-ASCII file name in Content-Disposition with filename*', async () => {
    const created = (await (
      await upload({ file: new File(['ü'], 'résumé.txt', { type: 'text/plain' }), purpose: 'user_data' })
    ).json()) as FileObject;
    expect(created.filename).toBe('résumé.txt');
    const content = await fetch(`${server.url}/v1/files/${created.id}/content`);
    expect(content.headers.get('content-disposition')).toBe(
      `attachment; filename="r?sum?.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`,
    );
    expect(await content.text()).toBe('ü');
  });

  it.each([
    ['purpose', { file: requests }, 'purpose'],
    ['purpose', { file: requests, purpose: 'training' }, "'fine-tune'"],
    ['file', { purpose: 'batch' }, 'is required'],
    ['file', { file: 'just text', purpose: 'batch' }, 'multipart form part named `file`'],
    [
      'expires_after.seconds',
      {
        file: requests,
        purpose: 'batch',
        'expires_after[anchor]': 'created_at',
        'expires_after[seconds]': '60',
      },
      '3600',
    ],
  ])('answers 400 naming %s in OpenAI’s shape', async (param, parts, message) => {
    const response = await upload(parts as Record<string, string | Blob>);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as OpenAiError;
    expect(error).toMatchObject({ type: 'invalid_request_error', param });
    expect(error.message).toContain(message);
  });

  it('answers 400 naming a bad list parameter, and 404 naming an unknown id', async () => {
    const badLimit = await fetch(`${server.url}/v1/files?limit=0`);
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as OpenAiError).error.param).toBe('limit');
    const unknown = await fetch(`${server.url}/v1/files/file-nope`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as OpenAiError).error.message).toContain("'file-nope'");
  });

  it('reads no body at all as an empty form: 400 naming the file', async () => {
    const response = await fetch(`${server.url}/v1/files`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as OpenAiError).error.param).toBe('file');
  });

  it('answers 415 to a JSON body on the upload route, and 400 to a form that breaks off', async () => {
    const json = await fetch(`${server.url}/v1/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ purpose: 'batch' }),
    });
    expect(json.status).toBe(415);
    expect(((await json.json()) as OpenAiError).error.message).toContain('multipart/form-data');
    const truncated = await fetch(`${server.url}/v1/files`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf',
    });
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as OpenAiError).error.message).toContain('multipart form');
  });

  it('takes an upload past the JSON body limit, up to the upload limit', async () => {
    const large = new File(['x'.repeat(bodyLimitBytes * 8)], 'large.txt');
    const response = await upload({ file: large, purpose: 'user_data' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as FileObject).bytes).toBe(large.size);
  });

  it('answers 413 past the upload limit, declared or streamed without a length, and stores nothing', async () => {
    const before = ((await (await fetch(`${server.url}/v1/files`)).json()) as { data: unknown[] }).data
      .length;
    const tooLarge = new File(['x'.repeat(uploadLimitBytes + 1)], 'too-large.txt');
    const declared = await upload({ file: tooLarge, purpose: 'user_data' });
    expect(declared.status).toBe(413);
    const { error } = (await declared.json()) as OpenAiError;
    expect(error.message).toContain(String(uploadLimitBytes));
    expect(error.message).toContain('max_upload_bytes');

    const encoded = new Response(form({ purpose: 'user_data', file: tooLarge }));
    const streamed = await fetch(`${server.url}/v1/files`, {
      method: 'POST',
      headers: { 'content-type': encoded.headers.get('content-type') ?? '' },
      body: encoded.body,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const after = ((await (await fetch(`${server.url}/v1/files`)).json()) as { data: unknown[] }).data.length;
    expect(after).toBe(before);
  });

  it('removes the spooled part of an upload whose client goes away', async () => {
    const boundary = 'gone';
    const request = httpRequest(`${server.url}/v1/files`, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'transfer-encoding': 'chunked',
      },
    });
    request.on('error', () => {});
    request.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n${'x'.repeat(4096)}`,
    );
    await expect.poll(async () => (await readdir(spoolDir)).length).toBe(1);
    request.destroy();
    // afterEach waits for the spool directory to be empty again.
  });
});

describe('route tables with path parameters, multipart bodies and binary responses', () => {
  it('keeps multipart bodies to other routes under the JSON body limit (and their 415)', async () => {
    const app = createStackApp(filesStack(), {
      routes: filesRoutes as readonly RouteDefinition[],
      logger: captureLogger().logger,
      bodyLimitBytes,
    });
    expect(openAiRoutes.some((route) => route.path === '/v1/chat/completions')).toBe(true);
    const large = await app.request('/v1/chat/completions', {
      method: 'POST',
      body: form({ file: new File(['x'.repeat(bodyLimitBytes * 2)], 'a.txt') }),
    });
    expect(large.status).toBe(413);
    const small = await app.request('/v1/chat/completions', { method: 'POST', body: form({ a: 'b' }) });
    expect(small.status).toBe(415);
  });

  it('answers 404 in OpenAI’s shape when the distribution serves no files API', async () => {
    const app = createStackApp(createFakeStack(), {
      routes: filesRoutes as readonly RouteDefinition[],
      logger: captureLogger().logger,
    });
    const response = await app.request('/v1/files');
    expect(response.status).toBe(404);
    expect(((await response.json()) as OpenAiError).error).toMatchObject({ type: 'invalid_request_error' });
  });

  it('refuses, when the app is built, a path parameter the params schema does not declare', () => {
    const routes = defineRoutes<{ get(): Promise<unknown> }>()([
      {
        api: 'files',
        method: 'GET',
        path: '/things/{id}',
        operation: 'get',
        summary: 'x',
        response: z.null(),
      },
    ]);
    expect(() => createStackApp(filesStack(), { routes, logger: captureLogger().logger })).toThrow(
      'has path parameters [id] but its params schema declares []',
    );
  });
});
