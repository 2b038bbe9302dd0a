import {
  type BatchInferenceOptions,
  BatchInferencePromptLine,
  ChatCompletionRequest,
  type ChatCompletionRequestInput,
  InvalidRequestError,
  parseRequest,
  type SamplingParams,
  StackError,
} from '@llama-stack-ts/core';
import type { LineInference } from '../line-slots.js';
import type { LineOutcome } from '../parts/line-outcome.js';
import type { InputLine } from '../parts/read-part-lines.js';
import { retryTransient } from '../retry-transient.js';

/** What every line of a seed job is generated with. */
export interface SeedGenerationSpec {
  model: string;
  options: BatchInferenceOptions;
  num_generations: number;
}

/**
 * One prompt line of a seed job: a JSON list of messages, answered `num_generations` times. The
 * output record is `{ line, generations: ChatCompletionResponse[] }`; a line that is not a list of
 * messages, or whose generation fails, becomes `{ line, error: { code, message, field? }, input }`
 * in the error file, and the job goes on.
 */
export async function runSeedLine(
  { line, text }: InputLine,
  spec: SeedGenerationSpec,
  inference: LineInference,
  signal: AbortSignal,
): Promise<LineOutcome> {
  const failed = (code: string, message: string, field?: string): LineOutcome => ({
    ok: false,
    record: { line, error: { code, message, ...(field ? { field } : {}) }, input: text },
  });
  let request: ChatCompletionRequest;
  try {
    const messages = parseRequest(BatchInferencePromptLine, parseJson(text, line), `line ${line}`);
    request = parseRequest(ChatCompletionRequest, toChatInput(messages, spec));
  } catch (error) {
    if (!StackError.isInstance(error)) throw error;
    return failed(error.code, error.message, error.field);
  }
  try {
    const generations = await Promise.all(
      Array.from({ length: spec.num_generations }, () =>
        retryTransient(() => inference.chatCompletion(request, { signal }), signal),
      ),
    );
    return { ok: true, record: { line, generations } };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    // A provider's fault on one line is that line's error: the other lines may well succeed.
    if (!StackError.isInstance(error))
      return failed('internal_error', (error as Error).message ?? String(error));
    return failed(error.code, error.message, error.field);
  }
}

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError(
      `line ${line}`,
      `is not JSON (${(error as Error).message}); each line must be a JSON list of messages`,
    );
  }
}

/**
 * The job's options as a chat request: greedy decoding unless `temperature` is above 0, then
 * nucleus sampling with `top_p` (the stack's default when not given).
 */
function toChatInput(
  messages: BatchInferencePromptLine,
  { model, options }: SeedGenerationSpec,
): ChatCompletionRequestInput {
  const sampling: Partial<SamplingParams> =
    options.temperature !== undefined && options.temperature > 0
      ? {
          strategy: 'top_p',
          temperature: options.temperature,
          ...(options.top_p !== undefined ? { top_p: options.top_p } : {}),
        }
      : { strategy: 'greedy' };
  return {
    model,
    messages,
    sampling_params: sampling,
    ...(options.max_tokens !== undefined ? { max_tokens: options.max_tokens } : {}),
    logprobs: options.logprobs === true,
  };
}
