import type { SamplingParams } from '@llama-stack-ts/core';

/** The node-llama-cpp generation options a request's `sampling_params` decide (LlamaChat and LlamaCompletion share them). */
export interface LlamaCppSamplingOptions {
  /** 0 picks the most likely token (greedy). */
  temperature: number;
  /** 0 turns top-k off. */
  topK: number;
  /** 1 turns top-p off. */
  topP: number;
  seed?: number;
  /** `false`: no penalty at all (node-llama-cpp would otherwise apply 1.1 by default). */
  repeatPenalty:
    | false
    | {
        penalty?: number;
        frequencyPenalty?: number;
        presencePenalty?: number;
        /** The window the penalties look back over; node-llama-cpp's default. */
        lastTokens: number;
      };
}

/** How many recent tokens the repetition penalties look at (llama.cpp's `repeat_last_n` default). */
export const repeatPenaltyWindow = 64;

/**
 * Maps Llama Stack `SamplingParams` onto node-llama-cpp's sampler options, faithfully:
 * - `greedy` always picks the most likely token, whatever `temperature` says.
 * - `top_p` samples at `temperature` within nucleus `top_p` (and `top_k` when it is above 0).
 * - `top_k` samples at `temperature` among the `top_k` most likely tokens (0 = the whole vocabulary).
 * - `temperature` 0 is greedy under any strategy, as in llama.cpp.
 * - `repetition_penalty` (1 = none), `frequency_penalty` and `presence_penalty` go to llama.cpp's
 *   penalty sampler over the last 64 tokens; with none of them set, no penalty applies (node-llama-cpp
 *   alone would apply 1.1).
 */
export function mapSamplingParams(params: SamplingParams): LlamaCppSamplingOptions {
  const sampling = params.strategy !== 'greedy' && params.temperature > 0;
  const options: LlamaCppSamplingOptions = {
    temperature: sampling ? params.temperature : 0,
    topK: sampling ? params.top_k : 0,
    topP: sampling && params.strategy === 'top_p' ? params.top_p : 1,
    repeatPenalty: mapRepeatPenalty(params),
  };
  if (params.seed !== undefined) options.seed = params.seed;
  return options;
}

function mapRepeatPenalty(params: SamplingParams): LlamaCppSamplingOptions['repeatPenalty'] {
  const { repetition_penalty, frequency_penalty, presence_penalty } = params;
  const active =
    (repetition_penalty !== undefined && repetition_penalty !== 1) ||
    (frequency_penalty !== undefined && frequency_penalty !== 0) ||
    (presence_penalty !== undefined && presence_penalty !== 0);
  if (!active) return false;
  return {
    penalty: repetition_penalty ?? 1,
    frequencyPenalty: frequency_penalty ?? 0,
    presencePenalty: presence_penalty ?? 0,
    lastTokens: repeatPenaltyWindow,
  };
}
