import { describe, expect, it } from 'vitest';
import { describeRouteTable } from '../../../test/support/describe-route-table.js';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import { parseRouteRequest } from '../../../test/support/route-fixtures.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { MemoryBanks } from './memory-banks-protocol.js';
import { memoryBanksRoutes } from './memory-banks-routes.js';
import { MemoryBank, QueryDocumentsRequest, QueryDocumentsResponse } from './memory-banks-schemas.js';

const routes: readonly RouteDefinition<MemoryBanks>[] = memoryBanksRoutes;

const route = (operation: keyof MemoryBanks) => {
  const found = routes.find((entry) => entry.operation === operation);
  if (!found) throw new Error(`no route ${operation}`);
  return found;
};

describeRouteTable(new URL('./__fixtures__', import.meta.url), routes, [
  'POST /memory_banks/create',
  'GET /memory_banks/get',
  'DELETE /memory_banks/drop',
  'POST /memory_bank/insert',
  'POST /memory_bank/update',
  'POST /memory_bank/get',
  'POST /memory_bank/delete',
  'POST /memory_bank/query',
]);

describe('memory banks routes', () => {
  it('marks only the query route experimental', () => {
    expect(routes.filter((entry) => entry.experimental).map((entry) => entry.path)).toEqual([
      '/memory_bank/query',
    ]);
  });
});

describe('memory banks requests', () => {
  it('fills document metadata and the documents of a bank created with no body', () => {
    const request = parseRouteRequest(route('createMemoryBank'), {
      query: { bank_uuid: 'b', bank_name: 'B' },
    });
    expect(request).toEqual({ bank_uuid: 'b', bank_name: 'B', documents: [] });

    const inserted = parseRouteRequest(route('insertDocuments'), {
      query: { bank_uuid: 'b' },
      body: [{ uuid: 'd', content: 'text', mime_type: 'text/plain' }],
    });
    expect(inserted.documents).toEqual([
      { uuid: 'd', content: 'text', metadata: {}, mime_type: 'text/plain' },
    ]);
  });

  it('coerces the numeric query settings of a new bank', () => {
    const request = parseRouteRequest(route('createMemoryBank'), {
      query: { bank_uuid: 'b', bank_name: 'B', chunk_size_in_tokens: '512', overlap_size_in_tokens: '0' },
    });
    expect(request).toMatchObject({ chunk_size_in_tokens: 512, overlap_size_in_tokens: 0 });
  });

  it('fills the query params defaults', () => {
    const request = parseRequest(QueryDocumentsRequest, { bank_uuid: 'b', query: 'leave' });
    expect(request.params).toEqual({ max_chunks: 10, mode: 'vector' });
  });

  it('names the missing bank_uuid of a create', () => {
    const error = expectInvalidRequest(() =>
      parseRouteRequest(route('createMemoryBank'), { query: { bank_name: 'B' } }),
    );
    expect(error.field).toBe('bank_uuid');
    expect(error.message).toMatch(/^bank_uuid: /);
  });

  it('rejects an overlap as large as the chunk size', () => {
    const error = expectInvalidRequest(() =>
      parseRouteRequest(route('createMemoryBank'), {
        query: { bank_uuid: 'b', bank_name: 'B', chunk_size_in_tokens: '64', overlap_size_in_tokens: '64' },
      }),
    );
    expect(error.field).toBe('overlap_size_in_tokens');
    expect(error.message).toContain('smaller than chunk_size_in_tokens');
  });

  it('rejects a chunk size that is not a positive integer', () => {
    const error = expectInvalidRequest(() =>
      parseRouteRequest(route('createMemoryBank'), {
        query: { bank_uuid: 'b', bank_name: 'B', chunk_size_in_tokens: 'many' },
      }),
    );
    expect(error.field).toBe('chunk_size_in_tokens');
  });

  it('names the document and field of a bad document in a bare-array body', () => {
    const error = expectInvalidRequest(() =>
      parseRouteRequest(route('insertDocuments'), {
        query: { bank_uuid: 'b' },
        body: [
          { uuid: 'ok', content: 'x', mime_type: 'text/plain' },
          { uuid: 'bad', content: 'y' },
        ],
      }),
    );
    expect(error.field).toBe('documents.1.mime_type');
    expect(error.message).toContain('MIME type');
  });

  it('rejects a body that is not an array of document uuids', () => {
    const error = expectInvalidRequest(() =>
      parseRouteRequest(route('getDocuments'), {
        query: { bank_uuid: 'b' },
        body: { document_uuids: ['d'] },
      }),
    );
    expect(error.field).toBe('document_uuids');
  });

  it('rejects an unknown query mode and names it', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(QueryDocumentsRequest, { bank_uuid: 'b', query: 'x', params: { mode: 'semantic' } }),
    );
    expect(error.field).toBe('params.mode');
    expect(error.message).toContain('vector');
  });

  it('rejects filters that are not equality values', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(QueryDocumentsRequest, {
        bank_uuid: 'b',
        query: 'x',
        params: { filters: { year: { gt: 2020 } } },
      }),
    );
    expect(error.field).toBe('params.filters.year');
  });
});

describe('memory banks responses', () => {
  it('requires one score per chunk', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(QueryDocumentsResponse, {
        chunks: [{ content: 'a', document_id: 'd', token_count: 1 }],
        scores: [],
      }),
    );
    expect(error.field).toBe('scores');
  });

  it('keeps a bank without extension settings valid', () => {
    expect(parseRequest(MemoryBank, { uuid: 'b', name: 'B' })).toEqual({ uuid: 'b', name: 'B' });
  });
});
