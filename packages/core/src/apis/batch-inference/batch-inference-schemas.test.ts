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

const routes: readonly RouteDefinition<BatchInference>[] = batchInferenceRoutes;

const prompts = { value: '/data/prompts.jsonl', type: 'filepath' };

describeRouteTable(new URL('./__fixtures__', import.meta.url), routes, [
  'POST /batch_inference/submit_job',
  'GET /batch_inference/job_status',
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
