import { describe, expect, it } from 'vitest';
import { describeRouteTable } from '../../../test/support/describe-route-table.js';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { Files } from './files-protocol.js';
import { filesRoutes } from './files-routes.js';
import { FileIdRequest, ListFilesRequest, UploadFileRequest } from './files-schemas.js';
import { isUploadedFile, uploadedFile } from './uploaded-file.js';

const routes: readonly RouteDefinition<Files>[] = filesRoutes;

describeRouteTable(new URL('./__fixtures__', import.meta.url), routes, [
  'POST /v1/files',
  'GET /v1/files',
  'GET /v1/files/{file_id}',
  'DELETE /v1/files/{file_id}',
  'GET /v1/files/{file_id}/content',
]);

async function textOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('uploadedFile', () => {
  it('streams a string as UTF-8, with its name and media type', async () => {
    const file = uploadedFile('out.jsonl', '{"a":"ü"}\n', 'application/jsonl');
    expect(isUploadedFile(file)).toBe(true);
    expect([file.filename, file.content_type]).toEqual(['out.jsonl', 'application/jsonl']);
    expect(await textOf(file.stream)).toBe('{"a":"ü"}\n');
  });

  it('streams bytes as they are, and an empty file as an empty stream', async () => {
    const bytes = new Uint8Array([0, 255, 10]);
    const file = uploadedFile('raw.bin', bytes);
    expect(file.content_type).toBe('application/octet-stream');
    expect(new Uint8Array(await new Response(file.stream).arrayBuffer())).toEqual(bytes);
    expect(await textOf(uploadedFile('empty.txt', '').stream)).toBe('');
  });
});

describe('upload file request', () => {
  const file = () => uploadedFile('requests.jsonl', '{}\n');

  it('takes a file part and a purpose; expires_after from form text', () => {
    const request = parseRequest(UploadFileRequest, {
      file: file(),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: '3600' },
    });
    expect(request.purpose).toBe('batch');
    expect(request.expires_after).toEqual({ anchor: 'created_at', seconds: 3600 });
  });

  it('names the missing file, and a text value sent as the file', () => {
    const missing = expectInvalidRequest(() => parseRequest(UploadFileRequest, { purpose: 'batch' }));
    expect(missing.field).toBe('file');
    expect(missing.message).toContain('is required');
    const text = expectInvalidRequest(() =>
      parseRequest(UploadFileRequest, { file: 'abc', purpose: 'batch' }),
    );
    expect(text.field).toBe('file');
    expect(text.message).toContain('multipart form part named `file`');
  });

  it('names a missing or unknown purpose, listing the purposes', () => {
    expect(expectInvalidRequest(() => parseRequest(UploadFileRequest, { file: file() })).field).toBe(
      'purpose',
    );
    const unknown = expectInvalidRequest(() =>
      parseRequest(UploadFileRequest, { file: file(), purpose: 'training' }),
    );
    expect(unknown.field).toBe('purpose');
    expect(unknown.message).toContain("'user_data'");
  });

  it.each([
    ['expires_after.seconds', { anchor: 'created_at', seconds: '59' }, 'at least 3600'],
    ['expires_after.seconds', { anchor: 'created_at', seconds: 2_592_001 }, 'at most 2592000'],
    ['expires_after.seconds', { anchor: 'created_at', seconds: 'soon' }, 'whole number'],
    ['expires_after.anchor', { anchor: 'last_access', seconds: 3600 }, "'created_at'"],
  ])('names %s when expires_after is %j', (field, expires_after, message) => {
    const error = expectInvalidRequest(() =>
      parseRequest(UploadFileRequest, { file: file(), purpose: 'batch', expires_after }),
    );
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });
});

describe('list files request', () => {
  it('fills the defaults: every file (up to 10000), newest first', () => {
    expect(parseRequest(ListFilesRequest, {})).toEqual({ limit: 10_000, order: 'desc' });
  });

  it.each([
    ['limit', { limit: 0 }],
    ['limit', { limit: 10_001 }],
    ['limit', { limit: 1.5 }],
    ['order', { order: 'newest' }],
    ['purpose', { purpose: 'anything' }],
    ['after', { after: '' }],
  ])('names %s when it is out of range or unknown', (field, query) => {
    expect(expectInvalidRequest(() => parseRequest(ListFilesRequest, query)).field).toBe(field);
  });
});

describe('file id', () => {
  it('names an empty file_id', () => {
    expect(expectInvalidRequest(() => parseRequest(FileIdRequest, { file_id: '' })).field).toBe('file_id');
  });
});
