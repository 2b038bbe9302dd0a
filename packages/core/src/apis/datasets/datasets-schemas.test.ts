import { describe, expect, it } from 'vitest';
import { describeRouteTable } from '../../../test/support/describe-route-table.js';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import { parseRouteRequest } from '../../../test/support/route-fixtures.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { Datasets } from './datasets-protocol.js';
import { datasetsRoutes } from './datasets-routes.js';
import { CreateDatasetRequest, IterrowsRequest } from './datasets-schemas.js';

const routes: readonly RouteDefinition<Datasets>[] = datasetsRoutes;

describeRouteTable(new URL('./__fixtures__', import.meta.url), routes, [
  'POST /datasets/create',
  'GET /datasets/get',
  'DELETE /datasets/delete',
  'GET /datasets/iterrows',
]);

describe('datasets routes', () => {
  it('names the missing dataset_id query parameter', () => {
    const error = expectInvalidRequest(() =>
      parseRouteRequest(routes[1] as RouteDefinition<Datasets>, { query: {} }),
    );
    expect(error.field).toBe('dataset_id');
  });
});

describe('create dataset request', () => {
  const dataset = { columns: { text: 'text' }, content_url: 'file:///data/a.jsonl' };

  it('defaults metadata to {}', () => {
    expect(parseRequest(CreateDatasetRequest, { uuid: 'a', dataset }).dataset.metadata).toEqual({});
  });

  it('names a column of an unknown type', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(CreateDatasetRequest, {
        uuid: 'a',
        dataset: { ...dataset, columns: { image: 'picture' } },
      }),
    );
    expect(error.field).toBe('dataset.columns.image');
    expect(error.message).toContain('media');
  });

  it('rejects a content_url that is not a URL, saying which schemes it takes', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(CreateDatasetRequest, {
        uuid: 'a',
        dataset: { ...dataset, content_url: '/data/a.jsonl' },
      }),
    );
    expect(error.field).toBe('dataset.content_url');
    expect(error.message).toContain('file://');
  });

  it('names the empty uuid', () => {
    const error = expectInvalidRequest(() => parseRequest(CreateDatasetRequest, { uuid: '', dataset }));
    expect(error.field).toBe('uuid');
  });
});

describe('iterrows request', () => {
  it('coerces the query strings and fills the defaults', () => {
    expect(parseRequest(IterrowsRequest, { dataset_id: 'a', start_index: '20' })).toEqual({
      dataset_id: 'a',
      start_index: 20,
      limit: 100,
    });
  });

  it.each([
    ['start_index', { start_index: '-1' }],
    ['limit', { limit: '0' }],
    ['limit', { limit: '1001' }],
    ['start_index', { start_index: 'first' }],
  ])('names %s when it is out of range or not a number', (field, query) => {
    const error = expectInvalidRequest(() => parseRequest(IterrowsRequest, { dataset_id: 'a', ...query }));
    expect(error.field).toBe(field);
  });
});
