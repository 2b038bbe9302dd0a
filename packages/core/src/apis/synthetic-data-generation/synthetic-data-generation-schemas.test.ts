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
]);

describe('synthetic data generation', () => {
  it('defaults the filtering function to none', () => {
    const request = parseRequest(SyntheticDataGenerationRequest, { prompts });
    expect(request.filtering_function).toBe('none');
    expect(request.reward_scoring).toBeUndefined();
  });

  it('passes reward scoring settings beyond the model through to the provider', () => {
    const request = parseRequest(SyntheticDataGenerationRequest, {
      prompts,
      reward_scoring: { model: 'reward', threshold: 0.5 },
    });
    expect(request.reward_scoring).toEqual({ model: 'reward', threshold: 0.5 });
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
