import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeRouteFixtures } from '../../../test/support/describe-route-fixtures.js';
import { parseRouteRequest } from '../../../test/support/route-fixtures.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { Datasets } from './datasets-protocol.js';
import { datasetsRoutes } from './datasets-routes.js';
import { CreateDatasetRequest } from './datasets-schemas.js';

const routes: readonly RouteDefinition<Datasets>[] = datasetsRoutes;

function failure(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('expected an InvalidRequestError, but the input parsed');
}

describeRouteFixtures(fileURLToPath(new URL('./__fixtures__', import.meta.url)), routes);

describe('datasets routes', () => {
  it('has the draft routes with their exact methods and paths', () => {
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual([
      'POST /datasets/create',
      'GET /datasets/get',
      'DELETE /datasets/delete',
    ]);
  });

  it('names the missing dataset_id query parameter', () => {
    const error = failure(() => parseRouteRequest(routes[1] as RouteDefinition<Datasets>, { query: {} }));
    expect(error.field).toBe('dataset_id');
  });
});

describe('create dataset request', () => {
  const dataset = { columns: { text: 'text' }, content_url: 'file:///data/a.jsonl' };

  it('defaults metadata to {}', () => {
    expect(parseRequest(CreateDatasetRequest, { uuid: 'a', dataset }).dataset.metadata).toEqual({});
  });

  it('names a column of an unknown type', () => {
    const error = failure(() =>
      parseRequest(CreateDatasetRequest, {
        uuid: 'a',
        dataset: { ...dataset, columns: { image: 'picture' } },
      }),
    );
    expect(error.field).toBe('dataset.columns.image');
    expect(error.message).toContain('media');
  });

  it('rejects a content_url that is not a URL, saying which schemes it takes', () => {
    const error = failure(() =>
      parseRequest(CreateDatasetRequest, {
        uuid: 'a',
        dataset: { ...dataset, content_url: '/data/a.jsonl' },
      }),
    );
    expect(error.field).toBe('dataset.content_url');
    expect(error.message).toContain('file://');
  });

  it('names the empty uuid', () => {
    const error = failure(() => parseRequest(CreateDatasetRequest, { uuid: '', dataset }));
    expect(error.field).toBe('uuid');
  });
});
