import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRouteTable } from '../../../test/support/describe-route-table.js';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import { parseRouteRequest } from '../../../test/support/route-fixtures.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { PostTraining } from './post-training-protocol.js';
import { postTrainingRoutes } from './post-training-routes.js';
import {
  PostTrainingJobStatusResponse,
  PostTrainingRLHFRequest,
  PostTrainingSFTRequest,
} from './post-training-schemas.js';

const routes: readonly RouteDefinition<PostTraining>[] = postTrainingRoutes;

function fixtureBody(name: string): Record<string, unknown> {
  const file = new URL(`./__fixtures__/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { body: Record<string, unknown> }).body;
}

const loraRequest = fixtureBody('supervised-fine-tune.lora.json');
const dpoRequest = fixtureBody('preference-optimize.dpo.json');

describeRouteTable(new URL('./__fixtures__', import.meta.url), routes, [
  'POST /post_training/supervised_fine_tune/',
  'POST /post_training/preference_optimize/',
  'GET /post_training/job/logs',
  'GET /post_training/job/status',
  'POST /post_training/job/cancel',
  'GET /post_training/job/artifacts',
]);

describe('post-training routes', () => {
  it('answers the job submissions with no content', () => {
    for (const route of routes.slice(0, 2)) expect(route.response.safeParse(null).success).toBe(true);
  });

  it('names the missing job_uuid of a job route', () => {
    const status = routes.find((route) => route.operation === 'getTrainingJobStatus');
    if (!status) throw new Error('no status route');
    const error = expectInvalidRequest(() => parseRouteRequest(status, { query: {} }));
    expect(error.field).toBe('job_uuid');
  });
});

describe('supervised fine-tune request', () => {
  it('defaults the open configs and the dataset metadata', () => {
    const { hyperparam_search_config: _h, logger_config: _l, ...rest } = loraRequest;
    const request = parseRequest(PostTrainingSFTRequest, {
      ...rest,
      dataset: { columns: { text: 'text' }, content_url: 'file:///a.jsonl' },
    });
    expect(request.hyperparam_search_config).toEqual({});
    expect(request.logger_config).toEqual({});
    expect(request.dataset.metadata).toEqual({});
  });

  it('takes a registered model id, not only the draft enum', () => {
    expect(parseRequest(PostTrainingSFTRequest, { ...loraRequest, model: 'my-base-model' }).model).toBe(
      'my-base-model',
    );
  });

  it('needs algorithm_config for lora, qlora and dora, and says what it holds', () => {
    for (const algorithm of ['lora', 'qlora', 'dora']) {
      const { algorithm_config: _config, ...rest } = loraRequest;
      const error = expectInvalidRequest(() => parseRequest(PostTrainingSFTRequest, { ...rest, algorithm }));
      expect(error.field).toBe('algorithm_config');
      expect(error.message).toContain(`required when algorithm is ${algorithm}`);
      expect(error.message).toContain('rank');
    }
  });

  it('names the bad field inside algorithm_config', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(PostTrainingSFTRequest, {
        ...loraRequest,
        algorithm_config: { ...(loraRequest.algorithm_config as object), rank: 0 },
      }),
    );
    expect(error.field).toBe('algorithm_config.rank');
  });

  it('names an unknown algorithm', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(PostTrainingSFTRequest, { ...loraRequest, algorithm: 'prefix' }),
    );
    expect(error.field).toBe('algorithm');
    expect(error.message).toContain('qlora');
  });

  it('rejects lr_min above lr', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(PostTrainingSFTRequest, {
        ...loraRequest,
        optimizer_config: { optimizer_type: 'sgd', lr: 0.001, lr_min: 0.01, weight_decay: 0 },
      }),
    );
    expect(error.field).toBe('optimizer_config.lr_min');
    expect(error.message).toContain('must not exceed lr');
  });

  it('names a missing training config field', () => {
    const { fsdp_cpu_offload: _offload, ...trainingConfig } = loraRequest.training_config as Record<
      string,
      unknown
    >;
    const error = expectInvalidRequest(() =>
      parseRequest(PostTrainingSFTRequest, { ...loraRequest, training_config: trainingConfig }),
    );
    expect(error.field).toBe('training_config.fsdp_cpu_offload');
  });

  it('names a validation dataset without a URL', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(PostTrainingSFTRequest, { ...loraRequest, validation_dataset: { columns: {} } }),
    );
    expect(error.field).toBe('validation_dataset.content_url');
  });
});

describe('preference optimize request', () => {
  it('names a missing DPO setting', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(PostTrainingRLHFRequest, {
        ...dpoRequest,
        algorithm_config: { reward_scale: 1, reward_clip: 5, epsilon: 0.1 },
      }),
    );
    expect(error.field).toBe('algorithm_config.gamma');
  });

  it('only knows dpo', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(PostTrainingRLHFRequest, { ...dpoRequest, algorithm: 'ppo' }),
    );
    expect(error.field).toBe('algorithm');
  });
});

describe('job status response', () => {
  it('defaults checkpoints to []', () => {
    expect(
      parseRequest(PostTrainingJobStatusResponse, { job_uuid: 'j', status: 'failed' }).checkpoints,
    ).toEqual([]);
  });

  it('rejects a date that is not ISO 8601', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(PostTrainingJobStatusResponse, {
        job_uuid: 'j',
        status: 'running',
        started_at: '23/07/2024 10:00',
      }),
    );
    expect(error.field).toBe('started_at');
    expect(error.message).toContain('ISO 8601');
  });
});
