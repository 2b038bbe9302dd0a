import { describe, expect, it } from 'vitest';
import { describeRouteTable } from '../../../test/support/describe-route-table.js';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { SyntheticDataGeneration } from './synthetic-data-generation-protocol.js';
import { syntheticDataGenerationRoutes } from './synthetic-data-generation-routes.js';
import { SyntheticDataGenerationRequest } from './synthetic-data-generation-schemas.js';

const routes: readonly RouteDefinition<SyntheticDataGeneration>[] = syntheticDataGenerationRoutes;

const prompts = [{ role: 'user', content: 'Hi' }];

describeRouteTable(new URL('./__fixtures__', import.meta.url), routes, [
  'POST /synthetic_data_generation/generate',
  'GET /synthetic_data_generation/job/status',
  'POST /synthetic_data_generation/job/cancel',
]);

describe('synthetic data generation', () => {
  it('defaults the filtering function to none', () => {
    const request = parseRequest(SyntheticDataGenerationRequest, { prompts });
    expect(request.filtering_function).toBe('none');
    expect(request.reward_scoring).toBeUndefined();
  });

  it('takes the reward model in reward_scoring and every other setting in options', () => {
    const request = parseRequest(SyntheticDataGenerationRequest, {
      prompts,
      reward_scoring: { model: 'judge' },
      options: { k: 2, top_p: 0.5, seed: 3 },
    });
    expect(request.reward_scoring).toEqual({ model: 'judge' });
    expect(request.options).toEqual({ k: 2, top_p: 0.5, seed: 3 });
    expect(parseRequest(SyntheticDataGenerationRequest, { prompts }).options).toEqual({});
  });

  it('names a filter setting put in reward_scoring instead of options', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(SyntheticDataGenerationRequest, { prompts, reward_scoring: { model: 'judge', top_k: 1 } }),
    );
    expect(error.field).toBe('reward_scoring');
    expect(error.message).toContain('top_k');
  });

  it.each([
    [{ k: 0 }, 'options.k', 'at least 1'],
    [{ k: 1.5 }, 'options.k', 'whole number'],
    [{ top_p: 0 }, 'options.top_p', '(0, 1]'],
    [{ top_p: 1.01 }, 'options.top_p', '(0, 1]'],
    [{ top_k: 0 }, 'options.top_k', 'at least 1'],
    [{ sigmoid_temperature: 0 }, 'options.sigmoid_temperature', 'above 0'],
    [{ save_as_dataset: false }, 'options.save_as_dataset', 'dataset uuid'],
    [{ save_as_dataset: 'bad id' }, 'options.save_as_dataset', 'may only hold'],
    [{ beam_width: 2 }, 'options', 'beam_width'],
  ])('names the bad option %j', (options, field, reason) => {
    const error = expectInvalidRequest(() =>
      parseRequest(SyntheticDataGenerationRequest, { prompts, options }),
    );
    expect(error.field).toBe(field);
    expect(error.message).toContain(reason);
  });

  it('names an unknown filtering function and lists the known ones', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(SyntheticDataGenerationRequest, { prompts, filtering_function: 'best' }),
    );
    expect(error.field).toBe('filtering_function');
    expect(error.message).toContain('top_k_top_p');
  });

  it('needs at least one prompt', () => {
    const error = expectInvalidRequest(() => parseRequest(SyntheticDataGenerationRequest, { prompts: [] }));
    expect(error.field).toBe('prompts');
  });

  it('names the bad content of a prompt', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(SyntheticDataGenerationRequest, { prompts: [{ role: 'user', content: 42 }] }),
    );
    expect(error.field).toMatch(/^prompts\.0\.content/);
  });
});
