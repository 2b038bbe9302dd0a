import type { SamplingParams } from '@llama-stack-ts/core';

/** The sampling fields the chat and legacy completion requests share. */
export interface OpenAiSamplingFields {
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  seed?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  repetition_penalty?: number | null;
}

/**
 * OpenAI's sampling fields as the stack's `SamplingParams`. OpenAI samples by default (temperature
 * 1, top_p 1); temperature 0 or top_p 0 means greedy decoding. `choiceIndex` offsets the seed, so
 * `n` choices with one seed differ from each other and still repeat from call to call.
 */
export function toSamplingParams(fields: OpenAiSamplingFields, choiceIndex = 0): Partial<SamplingParams> {
  const temperature = fields.temperature ?? 1;
  const topP = fields.top_p ?? 1;
  const topK = fields.top_k ?? 0;
  const greedy = temperature === 0 || topP === 0;
  const params: Partial<SamplingParams> = greedy
    ? { strategy: 'greedy', temperature: 0 }
    : { strategy: topK > 0 && topP === 1 ? 'top_k' : 'top_p', temperature, top_p: topP, top_k: topK };
  if (fields.seed !== null && fields.seed !== undefined) params.seed = fields.seed + choiceIndex;
  if (fields.frequency_penalty !== null && fields.frequency_penalty !== undefined) {
    params.frequency_penalty = fields.frequency_penalty;
  }
  if (fields.presence_penalty !== null && fields.presence_penalty !== undefined) {
    params.presence_penalty = fields.presence_penalty;
  }
  if (fields.repetition_penalty !== null && fields.repetition_penalty !== undefined) {
    params.repetition_penalty = fields.repetition_penalty;
  }
  return params;
}

/**
 * The stack's `SamplingParams` as OpenAI's sampling fields, the way back of `toSamplingParams`:
 * greedy is temperature 0; `top_k` (which OpenAI itself refuses, and vLLM, llama.cpp's server and
 * TGI take) and `repetition_penalty` are sent only when the request uses them.
 */
export function toOpenAiSamplingFields(params: SamplingParams): OpenAiSamplingFields {
  const fields: OpenAiSamplingFields =
    params.strategy === 'greedy'
      ? { temperature: 0 }
      : params.strategy === 'top_k'
        ? { temperature: params.temperature, top_k: params.top_k }
        : { temperature: params.temperature, top_p: params.top_p };
  if (params.seed !== undefined) fields.seed = params.seed;
  if (params.frequency_penalty !== undefined) fields.frequency_penalty = params.frequency_penalty;
  if (params.presence_penalty !== undefined) fields.presence_penalty = params.presence_penalty;
  if (params.repetition_penalty !== undefined) fields.repetition_penalty = params.repetition_penalty;
  return fields;
}
