import { describe, expect, it } from 'vitest';
import { describeRouteTable } from '../../../test/support/describe-route-table.js';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import { parseRouteRequest } from '../../../test/support/route-fixtures.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { BatchInference } from './batch-inference-protocol.js';
import { batchInferenceRoutes } from './batch-inference-routes.js';
import {
  BatchInferenceJob,
  BatchInferencePromptLine,
  SubmitBatchInferenceJobRequest,
} from './batch-inference-schemas.js';
import { CreateBatchRequest, ListBatchesRequest } from './openai-batch-schemas.js';

const routes: readonly RouteDefinition<BatchInference>[] = batchInferenceRoutes;

const prompts = { value: '/data/prompts.jsonl', type: 'filepath' };

describeRouteTable(new URL('./__fixtures__', import.meta.url), routes, [
  'POST /batch_inference/submit_job',
  'GET /batch_inference/job_status',
  'POST /v1/batches',
  'GET /v1/batches',
  'GET /v1/batches/{batch_id}',
  'POST /v1/batches/{batch_id}/cancel',
]);

describe('batch inference routes', () => {
  it('names the missing job_id query parameter', () => {
    const error = expectInvalidRequest(() =>
      parseRouteRequest(routes[1] as RouteDefinition<BatchInference>, { query: {} }),
    );
    expect(error.field).toBe('job_id');
  });
});

describe('submit job request', () => {
  it('defaults options to {} and num_generations to 1', () => {
    const request = parseRequest(SubmitBatchInferenceJobRequest, { model: 'm', prompt_file_path: prompts });
    expect(request.options).toEqual({});
    expect(request.num_generations).toBe(1);
  });

  it('names the missing prompt file', () => {
    const error = expectInvalidRequest(() => parseRequest(SubmitBatchInferenceJobRequest, { model: 'm' }));
    expect(error.field).toBe('prompt_file_path');
  });

  it('names an unknown path type and lists the known ones', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(SubmitBatchInferenceJobRequest, {
        model: 'm',
        prompt_file_path: { value: 'x', type: 'url' },
      }),
    );
    expect(error.field).toBe('prompt_file_path.type');
    expect(error.message).toContain('filepath');
  });

  it('needs a URL when the path type is uri', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(SubmitBatchInferenceJobRequest, {
        model: 'm',
        prompt_file_path: { value: '/data/prompts.jsonl', type: 'uri' },
      }),
    );
    expect(error.field).toBe('prompt_file_path.value');
    expect(error.message).toContain('when type is uri');
  });

  it('names an out-of-range option', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(SubmitBatchInferenceJobRequest, {
        model: 'm',
        prompt_file_path: prompts,
        options: { top_p: 0 },
      }),
    );
    expect(error.field).toBe('options.top_p');
  });

  it('rejects a fractional num_generations', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(SubmitBatchInferenceJobRequest, {
        model: 'm',
        prompt_file_path: prompts,
        num_generations: 1.5,
      }),
    );
    expect(error.field).toBe('num_generations');
  });
});

describe('batch inference job', () => {
  it('defaults metadata to {}', () => {
    const job = parseRequest(BatchInferenceJob, {
      job_id: 'j',
      created: '2024-07-23T10:00:00Z',
      status: 'running',
      input_file_path: prompts,
    });
    expect(job.metadata).toEqual({});
  });

  it('names an unknown status', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(BatchInferenceJob, {
        job_id: 'j',
        created: '2024-07-23T10:00:00Z',
        status: 'queued',
        input_file_path: prompts,
      }),
    );
    expect(error.field).toBe('status');
    expect(error.message).toContain('validating');
  });
});

describe('prompt file line', () => {
  it('is a list of messages with their defaults filled', () => {
    expect(parseRequest(BatchInferencePromptLine, [{ role: 'user', content: 'Hi' }])).toEqual([
      { role: 'user', content: 'Hi', tool_calls: [], tool_responses: [] },
    ]);
  });

  it('names the bad message of a line', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(BatchInferencePromptLine, [{ role: 'user' }], 'line 3'),
    );
    expect(error.field).toBe('line 3.0.content');
  });
});

describe("OpenAI's create batch request", () => {
  const valid = { input_file_id: 'file-1', endpoint: '/v1/chat/completions', completion_window: '24h' };

  it('names a wrong endpoint and lists the ones served', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(CreateBatchRequest, { ...valid, endpoint: '/v1/responses' }),
    );
    expect(error.field).toBe('endpoint');
    expect(error.message).toContain("'/v1/embeddings'");
  });

  it("takes only the '24h' completion window", () => {
    const error = expectInvalidRequest(() =>
      parseRequest(CreateBatchRequest, { ...valid, completion_window: '1h' }),
    );
    expect(error.field).toBe('completion_window');
  });

  it('names the missing input file', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(CreateBatchRequest, { endpoint: '/v1/completions', completion_window: '24h' }),
    );
    expect(error.field).toBe('input_file_id');
  });

  it("keeps metadata within OpenAI's limits", () => {
    const tooMany = Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']));
    expect(
      expectInvalidRequest(() => parseRequest(CreateBatchRequest, { ...valid, metadata: tooMany })).field,
    ).toBe('metadata');
    const error = expectInvalidRequest(() =>
      parseRequest(CreateBatchRequest, { ...valid, metadata: { a: 1 } }),
    );
    expect(error.field).toBe('metadata.a');
  });

  it('lists 20 batches by default and at most 100', () => {
    expect(parseRequest(ListBatchesRequest, {}).limit).toBe(20);
    expect(expectInvalidRequest(() => parseRequest(ListBatchesRequest, { limit: 101 })).field).toBe('limit');
  });
});
