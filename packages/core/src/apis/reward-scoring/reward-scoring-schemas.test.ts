import { describe, expect, it } from 'vitest';
import { describeRouteTable } from '../../../test/support/describe-route-table.js';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { RewardScoring } from './reward-scoring-protocol.js';
import { rewardScoringRoutes } from './reward-scoring-routes.js';
import { RewardScoringRequest } from './reward-scoring-schemas.js';

const routes: readonly RouteDefinition<RewardScoring>[] = rewardScoringRoutes;

const generations = {
  dialog: { message: { role: 'user', content: 'Hi' } },
  k_generations: [{ role: 'assistant', content: 'Hello' }],
};

describeRouteTable(new URL('./__fixtures__', import.meta.url), routes, ['POST /reward_scoring/score']);

describe('reward scoring', () => {
  it('fills the dialog history and message defaults', () => {
    const request = parseRequest(RewardScoringRequest, {
      model: 'reward',
      prompt_generations: [generations],
    });
    const [first] = request.prompt_generations;
    expect(first?.dialog.message_history).toEqual([]);
    expect(first?.k_generations[0]).toEqual({
      role: 'assistant',
      content: 'Hello',
      tool_calls: [],
      tool_responses: [],
    });
  });

  it('takes any registered model id, not only the draft enum', () => {
    expect(
      parseRequest(RewardScoringRequest, { model: 'my-reward', prompt_generations: [generations] }).model,
    ).toBe('my-reward');
  });

  it('names the missing model', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(RewardScoringRequest, { prompt_generations: [generations] }),
    );
    expect(error.field).toBe('model');
  });

  it('names a prompt with no generations', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(RewardScoringRequest, {
        model: 'reward',
        prompt_generations: [generations, { ...generations, k_generations: [] }],
      }),
    );
    expect(error.field).toBe('prompt_generations.1.k_generations');
    expect(error.message).toContain('at least one generation');
  });

  it('names the dialog message a prompt lacks', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(RewardScoringRequest, {
        model: 'reward',
        prompt_generations: [{ ...generations, dialog: {} }],
      }),
    );
    expect(error.field).toBe('prompt_generations.0.dialog.message');
  });
});
