import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChatCompletionRequest,
  type Inference,
  type RewardScoring,
  RewardScoringRequest,
  type RewardScoringRequestInput,
} from '@llama-stack-ts/core';
import { llamaCppProviderSpec } from '@llama-stack-ts/provider-inference-llama-cpp';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import {
  createStack,
  type DistributionManifestInput,
  type ResolvedStack,
  silentLogger,
} from '@llama-stack-ts/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  defaultRubric,
  expectedScore,
  llmJudgeProviderSpec,
  renderJudgePrompt,
  scoreGrammar,
} from '../../src/index.js';

const stories = join(testModelsDir, 'stories260K.gguf');

const manifest = (dataDir: string): DistributionManifestInput => ({
  name: 'judge-test',
  data_dir: dataDir,
  providers: {
    inference: [
      {
        provider_id: 'llama-cpp',
        provider_type: 'inline::llama-cpp',
        config: { gpu: 'cpu', model_dir: testModelsDir, context_size: 1024, threads: 1 },
      },
    ],
    reward_scoring: [{ provider_id: 'llm-judge', provider_type: 'inline::llm-judge', config: {} }],
  },
  models: [
    { model_id: 'stories', provider_model_id: 'stories260K.gguf' },
    { model_id: 'judge', provider_id: 'llm-judge', provider_model_id: 'stories', model_type: 'reward' },
    {
      model_id: 'wide-judge',
      provider_id: 'llm-judge',
      provider_model_id: 'stories',
      model_type: 'reward',
      metadata: { min_score: 0, max_score: 9, rubric: 'Rate the story from {min_score} to {max_score}.' },
    },
  ],
});

const answers = [
  'Paris is the capital of France.',
  'The capital of France is Berlin, a city in Spain.',
  'Once upon a time there was a little girl named Lily. She liked to play in the park.',
  '',
  '42 42 42 42 42',
  'I do not know.',
];

const request = (model: string): RewardScoringRequestInput => ({
  model,
  prompt_generations: [
    {
      dialog: { message: { role: 'user', content: 'What is the capital of France?' } },
      k_generations: answers.slice(0, 3).map((content) => ({ role: 'assistant', content })),
    },
    {
      dialog: {
        message: { role: 'user', content: 'Tell me a story.' },
        message_history: [{ role: 'system', content: 'You tell stories to children.' }],
      },
      k_generations: answers.slice(3).map((content) => ({ role: 'assistant', content })),
    },
  ],
});

describeWithModels('inline::llm-judge on stories260K through the real llama-cpp provider', [stories], () => {
  let dataDir: string;
  let stack: ResolvedStack;
  let rewards: RewardScoring;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'llm-judge-'));
    stack = await createStack(manifest(dataDir), {
      providers: [llamaCppProviderSpec, llmJudgeProviderSpec],
      logger: silentLogger,
    });
    rewards = stack.apis.reward_scoring as RewardScoring;
  });
  afterAll(async () => {
    await stack?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('scores every answer with a number in the rubric range, in the order asked', async () => {
    const response = await rewards.score(RewardScoringRequest.parse(request('judge')));
    expect(response.scored_generations.map((prompt) => prompt.prompt.content)).toEqual([
      'What is the capital of France?',
      'Tell me a story.',
    ]);
    const scored = response.scored_generations.flatMap((prompt) => prompt.k_scored_generations);
    expect(scored.map((generation) => generation.message.content)).toEqual(answers);
    for (const { score } of scored) {
      expect(typeof score).toBe('number');
      expect(score).toBeGreaterThanOrEqual(1);
      expect(score).toBeLessThanOrEqual(5);
    }
  });

  it('keeps a wider range from the reward model metadata, and its own rubric', async () => {
    const response = await rewards.score(RewardScoringRequest.parse(request('wide-judge')));
    for (const { score } of response.scored_generations.flatMap((prompt) => prompt.k_scored_generations)) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(9);
    }
  });

  it("answers the expected digit under the judge's log probabilities, not the sampled one", async () => {
    const response = await rewards.score(RewardScoringRequest.parse(request('judge')));
    const inference = stack.apis.inference as Inference;
    const settings = { rubric: defaultRubric, min_score: 1, max_score: 5 };
    const direct = await inference.chatCompletion(
      ChatCompletionRequest.parse({
        model: 'stories',
        messages: renderJudgePrompt(
          settings,
          RewardScoringRequest.parse(request('judge')).prompt_generations[0]!.dialog,
          { role: 'assistant', content: answers[0]!, tool_calls: [], tool_responses: [] },
        ),
        sampling_params: { strategy: 'greedy' },
        max_tokens: 1,
        logprobs: { top_k: 5 },
        response_format: { type: 'grammar', bnf: scoreGrammar(1, 5) },
      }),
    );
    const alternatives = direct.logprobs?.content[0]?.top_logprobs ?? [];
    // The grammar leaves digits only, and the judge spreads its probability over more than one.
    expect(alternatives.length).toBeGreaterThan(1);
    expect(alternatives.every((alternative) => /^[1-5]$/.test(alternative.token.trim()))).toBe(true);
    const expected = expectedScore(direct.logprobs?.content[0], 1, 5);
    // The judge's request may continue a cached sequence while this one evaluates the prompt afresh:
    // llama.cpp's sums then differ in the last float bits (seen: 6e-8), far below a digit's step.
    expect(response.scored_generations[0]?.k_scored_generations[0]?.score).toBeCloseTo(
      expected ?? Number.NaN,
      5,
    );
    expect(Number.isInteger(expected)).toBe(false);
  });

  it('refuses an llm as reward model (400) and an unknown model (404)', async () => {
    await expect(rewards.score(RewardScoringRequest.parse(request('stories')))).rejects.toMatchObject({
      status: 400,
      field: 'model',
    });
    await expect(rewards.score(RewardScoringRequest.parse(request('nope')))).rejects.toMatchObject({
      status: 404,
    });
  });

  it('refuses to start with a reward model whose metadata sets a bad range, naming the field', async () => {
    const bad = manifest(dataDir);
    bad.models = [
      { model_id: 'stories', provider_model_id: 'stories260K.gguf' },
      {
        model_id: 'bad-judge',
        provider_id: 'llm-judge',
        provider_model_id: 'stories',
        model_type: 'reward',
        metadata: { min_score: 3, max_score: 12 },
      },
    ];
    await expect(
      createStack(bad, { providers: [llamaCppProviderSpec, llmJudgeProviderSpec], logger: silentLogger }),
    ).rejects.toThrow(/metadata\.max_score.*bad-judge.*single digit/s);
  });
});
