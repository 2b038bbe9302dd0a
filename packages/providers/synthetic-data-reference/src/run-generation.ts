import {
  ChatCompletionRequest,
  type KScoredPromptGenerations,
  type Message,
  type RewardScoring,
  RewardScoringRequest,
  type ScoredMessage,
  type SyntheticDataStatistics,
  type TextGenerationInference,
} from '@llama-stack-ts/core';
import { BusyTime } from './busy-time.js';
import { CandidateSchedule } from './candidate-schedule.js';
import { filterCandidates } from './filters/filter-candidates.js';
import { keyedRandom, keyedSeed } from './keyed-random.js';
import type { ResolvedRun } from './resolve-run.js';

export interface RunGenerationDeps {
  inference: Pick<TextGenerationInference, 'chatCompletion'>;
  rewardScoring: RewardScoring;
  /** Candidates generated at once: the generation model's parallel sequences. */
  concurrency: number;
}

export interface RunGenerationOptions {
  signal?: AbortSignal | undefined;
  /** Called after each candidate is scored, with the candidates scored so far. */
  onProgress?: ((candidatesScored: number) => void | Promise<void>) | undefined;
}

export interface GenerationOutcome {
  synthetic_data: KScoredPromptGenerations[];
  statistics: SyntheticDataStatistics;
}

/**
 * One run: every prompt's k candidates generated with `concurrency` chat requests in flight, a
 * worker taking one prompt's candidates in turn (see `CandidateSchedule`; each candidate sampled
 * with its own seed, derived from the run's), each candidate scored by the reward
 * model as soon as it is generated, and each prompt filtered with its own seeded draws once its k
 * scores are in. Scoring a candidate at once lets an llm judge on the same model continue the
 * sequence that generated it: the judge's conversation starts with the candidate's, so llama.cpp
 * reads only the rating request (see inline::llm-judge). The first failure aborts everything still
 * in flight and is thrown.
 */
export async function runGeneration(
  run: ResolvedRun,
  deps: RunGenerationDeps,
  options: RunGenerationOptions = {},
): Promise<GenerationOutcome> {
  const started = performance.now();
  const failure = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failure.signal]) : failure.signal;
  const generating = new BusyTime();
  const scoring = new BusyTime();
  const scored = run.prompts.map(() => new Array<ScoredMessage>(run.k));
  const scoredCount = run.prompts.map(() => 0);
  const kept: number[][] = run.prompts.map(() => []);
  let tokensGenerated = 0;
  let candidatesScored = 0;

  const schedule = new CandidateSchedule(run.prompts.length, run.k);
  const worker = async () => {
    let current: number | undefined;
    for (let task = schedule.next(current); task; task = schedule.next(current)) {
      const { prompt, candidate } = task;
      current = prompt;
      const response = await generating.time(() =>
        deps.inference.chatCompletion(
          ChatCompletionRequest.parse({
            model: run.generationModel,
            messages: [run.prompts[prompt]],
            sampling_params: {
              strategy: 'top_p',
              temperature: run.temperature,
              seed: keyedSeed(run.seed, 'candidate', prompt, candidate),
            },
            max_tokens: run.maxTokens,
            tool_choice: 'none',
          }),
          { signal },
        ),
      );
      tokensGenerated += response.usage?.completion_tokens ?? 0;
      const message: Message = {
        role: 'assistant',
        content: response.content,
        tool_calls: [],
        tool_responses: [],
      };
      const judged = await scoring.time(() =>
        deps.rewardScoring.score(
          RewardScoringRequest.parse({
            model: run.rewardModel,
            prompt_generations: [
              { dialog: { message: run.prompts[prompt], message_history: [] }, k_generations: [message] },
            ],
          }),
          { signal },
        ),
      );
      const generation = judged.scored_generations[0]?.k_scored_generations[0];
      if (!generation) throw new Error(`reward model '${run.rewardModel}' answered no score`);
      scored[prompt]![candidate] = generation;
      if (++scoredCount[prompt]! === run.k) {
        kept[prompt] = filterCandidates(
          run.filteringFunction,
          scored[prompt]!.map((one) => one.score),
          run.filter,
          keyedRandom(run.seed, 'filter', prompt),
        );
      }
      await options.onProgress?.(++candidatesScored);
    }
  };

  const candidates = run.prompts.length * run.k;
  const workers = Array.from({ length: Math.max(1, Math.min(deps.concurrency, candidates)) }, worker);
  try {
    await Promise.all(workers);
  } catch (error) {
    failure.abort(error);
    throw error;
  }

  const scores = scored.flat().map((generation) => generation.score);
  const keptCount = kept.reduce((total, indices) => total + indices.length, 0);
  return {
    synthetic_data: run.prompts.map((prompt, index) => ({
      prompt,
      k_scored_generations: kept[index]!.map((candidate) => scored[index]![candidate]!),
    })),
    statistics: {
      prompts: run.prompts.length,
      candidates: scores.length,
      kept: keptCount,
      kept_ratio: scores.length > 0 ? keptCount / scores.length : 0,
      score_mean:
        scores.length > 0 ? scores.reduce((total, score) => total + score, 0) / scores.length : null,
      score_min: scores.length > 0 ? scores.reduce((low, score) => Math.min(low, score)) : null,
      score_max: scores.length > 0 ? scores.reduce((high, score) => Math.max(high, score)) : null,
      tokens_generated: tokensGenerated,
      wall_time_ms: performance.now() - started,
      generation_ms: generating.ms,
      scoring_ms: scoring.ms,
      seed: run.seed,
    },
  };
}
