import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  filesRoutes,
  InvalidRequestError,
  NotFoundError,
  type StackError,
  uploadedFile,
} from '@llama-stack-ts/core';
import { LocalFsFiles, LocalFsFilesConfig } from '@llama-stack-ts/provider-files-localfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStackClient } from '../src/create-stack-client.js';
import { type RouteTableServer, serveRouteTable } from './serve-route-table.js';

// The client over core's Files route table: a path parameter, a multipart upload and a binary
// download, served by the real inline::localfs provider behind the test server.

let dataDir: string;
let files: LocalFsFiles;
let server: RouteTableServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lsts-client-files-'));
  files = await LocalFsFiles.open({ config: LocalFsFilesConfig.parse({}), dataDir });
  // The test server calls operations unbound; the provider's methods need their instance.
  const operations = Object.fromEntries(
    filesRoutes.map(({ operation }) => [
      operation,
      (request: Record<string, unknown>, options: { signal: AbortSignal }) =>
        (files[operation] as (request: unknown, options: unknown) => unknown).call(files, request, options),
    ]),
  );
  server = await serveRouteTable(filesRoutes, { files: operations });
});

afterAll(async () => {
  await server?.close();
  await files?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

const client = () => createStackClient({ baseUrl: server.url, routes: filesRoutes });

describe('createStackClient: files', () => {
  it('uploads a multipart form (nested fields as name[key]) and reads the content back as a stream', async () => {
    const text = '{"custom_id":"1"}\n';
    const created = await client().files.uploadFile({
      file: uploadedFile('résumé.jsonl', text, 'application/jsonl'),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    expect(created).toMatchObject({ filename: 'résumé.jsonl', bytes: text.length, purpose: 'batch' });
    expect(created.expires_at).toBe(created.created_at + 3600);
    expect(server.received.at(-1)?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);

    expect(await client().files.retrieveFile({ file_id: created.id })).toEqual(created);
    expect(server.received.at(-1)?.path).toBe(`/v1/files/${created.id}`);
    const content = await client().files.retrieveFileContent({ file_id: created.id });
    expect([content.filename, content.content_type, content.bytes]).toEqual([
      'résumé.jsonl',
      'application/jsonl',
      text.length,
    ]);
    expect(await new Response(content.stream).text()).toBe(text);

    const page = await client().files.listFiles({ purpose: 'batch', limit: 1 });
    expect(page.data.map((file) => file.id)).toEqual([created.id]);
    expect(await client().files.deleteFile({ file_id: created.id })).toEqual({
      id: created.id,
      object: 'file',
      deleted: true,
    });
  });

  it("rebuilds OpenAI's error shape of the /v1 routes into StackErrors naming the field", async () => {
    const missing = await client()
      .files.retrieveFile({ file_id: 'file-gone' })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as StackError).message).toContain("'file-gone'");

    const badPurpose = await client()
      .files.uploadFile({ file: uploadedFile('a.txt', 'a'), purpose: 'training' as 'batch' })
      .catch((error: unknown) => error);
    expect(badPurpose).toBeInstanceOf(InvalidRequestError);
    expect((badPurpose as StackError).field).toBe('purpose');
    expect((badPurpose as StackError).status).toBe(400);
  });

  it('refuses a call without its path parameter before sending it', async () => {
    const before = server.received.length;
    const error = await client()
      .files.retrieveFile({ file_id: '' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as StackError).field).toBe('file_id');
    expect(server.received.length).toBe(before);
  });
});
