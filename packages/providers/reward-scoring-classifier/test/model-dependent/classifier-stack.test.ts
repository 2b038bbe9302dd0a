import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RewardScoring, RewardScoringRequest } from '@llama-stack-ts/core';
import {
  describeWithModels,
  testModelsDir,
  writeTinyTextClassifier,
} from '@llama-stack-ts/provider-utils/test';
import { createStack, type ResolvedStack, silentLogger } from '@llama-stack-ts/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { classifierRewardProviderSpec } from '../../src/index.js';

// No trained sequence-classification reward model fits the offline model store (see
// shared/models/SOURCES.md), so the suite writes a tiny ONNX classifier itself: random weights on
// the real all-MiniLM WordPiece tokenizer, plus trigger tokens that vote hard ("paris" for `good`,
// "berlin" for `bad`). It proves the wiring (tokenizer pairs, session, logits, id2label, label and
// score choice), not any judgement.
const tokenizerDir = join(testModelsDir, 'synthetic', 'tiny-random-bert-embedder');

describeWithModels('inline::classifier on a tiny ONNX classifier built by the test', [tokenizerDir], () => {
  let workDir: string;
  let stack: ResolvedStack;
  let rewards: RewardScoring;

  const score = async (model: string, pairs: [prompt: string, answer: string][]) => {
    const response = await rewards.score(
      RewardScoringRequest.parse({
        model,
        prompt_generations: pairs.map(([prompt, answer]) => ({
          dialog: { message: { role: 'user', content: prompt } },
          k_generations: [{ role: 'assistant', content: answer }],
        })),
      }),
    );
    return response.scored_generations.map((prompt) => prompt.k_scored_generations[0]?.score ?? Number.NaN);
  };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'reward-classifier-'));
    await writeTinyTextClassifier({
      tokenizerDir,
      outputDir: join(workDir, 'tiny-reward'),
      labels: ['bad', 'good'],
      triggers: { paris: 1, berlin: 0 },
    });
    stack = await createStack(
      {
        name: 'classifier-test',
        data_dir: join(workDir, 'data'),
        providers: {
          reward_scoring: [
            { provider_id: 'classifier', provider_type: 'inline::classifier', config: { max_batch_size: 2 } },
          ],
        },
        models: [
          { model_id: 'reward', provider_model_id: './tiny-reward', model_type: 'reward' },
          {
            model_id: 'bad-probability',
            provider_model_id: './tiny-reward',
            model_type: 'reward',
            metadata: { label: 'BAD', score: 'probability' },
          },
          {
            model_id: 'no-such-label',
            provider_model_id: './tiny-reward',
            model_type: 'reward',
            metadata: { label: 'great' },
          },
          { model_id: 'missing', provider_model_id: './nowhere', model_type: 'reward' },
        ],
      },
      { providers: [classifierRewardProviderSpec], logger: silentLogger, baseDir: workDir },
    );
    rewards = stack.apis.reward_scoring as RewardScoring;
  });
  afterAll(async () => {
    await stack?.dispose();
    await rm(workDir, { recursive: true, force: true });
  });

  it('scores each (prompt, answer) pair with the logit of the last label, good, in order over batches', async () => {
    const scores = await score('reward', [
      ['What is the capital of France?', 'paris'],
      ['What is the capital of France?', 'berlin'],
      ['What is the capital of France?', 'lyon'],
    ]);
    expect(scores).toHaveLength(3);
    const [paris = Number.NaN, berlin = Number.NaN, lyon = Number.NaN] = scores;
    // "paris" votes 60 for good over the pair's tokens; "berlin" 60 for bad (0 for good).
    expect(paris).toBeGreaterThan(lyon + 1);
    expect(berlin).toBeLessThan(lyon + 0.5);
  });

  it('reads the prompt as the first segment of the pair', async () => {
    const [plain = Number.NaN, withTrigger = Number.NaN] = await score('reward', [
      ['Name a city.', 'lyon'],
      ['Name a city like paris.', 'lyon'],
    ]);
    expect(withTrigger).toBeGreaterThan(plain + 1);
  });

  it("scores the probability of the label a model's metadata names", async () => {
    const scores = await score('bad-probability', [
      ['Capital?', 'berlin'],
      ['Capital?', 'paris'],
    ]);
    for (const value of scores) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect(scores[0]).toBeGreaterThan(0.9);
    expect(scores[1]).toBeLessThan(0.1);
  });

  it('names a label the model lacks (400) and a model folder that is missing (503)', async () => {
    await expect(score('no-such-label', [['a', 'b']])).rejects.toMatchObject({
      status: 400,
      field: 'metadata.label',
      message: expect.stringContaining('its labels: bad, good'),
    });
    await expect(score('missing', [['a', 'b']])).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining('nowhere'),
    });
  });
});
