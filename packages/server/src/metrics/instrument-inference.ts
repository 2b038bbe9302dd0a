import {
  type ChatCompletionResponseStreamChunk,
  type CompletionResponseStreamChunk,
  type Inference,
  StackError,
  type TokenLogprobs,
  type TokenUsage,
} from '@llama-stack-ts/core';
import type { StackMetrics } from './stack-metrics.js';

type StreamChunk = CompletionResponseStreamChunk | ChatCompletionResponseStreamChunk;

/**
 * Wraps an `Inference` so every completion, chat completion and embeddings call is counted in
 * `metrics`: calls by outcome, duration, in-flight depth, prompt and generated tokens (from the
 * provider's `usage`, else counted from the stream), and for streams the time to first token and
 * the time per output token. Other operations pass through untouched. The wrapper changes nothing
 * a caller sees: chunks, results and errors are the provider's own.
 */
export function instrumentInference(inference: Inference, metrics: StackMetrics): Inference {
  const instrumented: Inference = {
    completion: (request, options) =>
      observeCall(
        metrics,
        'completion',
        request.model,
        () => inference.completion(request, options),
        (result) => ({
          usage: result.usage,
          logprobs: result.logprobs,
        }),
      ),
    streamCompletion: (request, options) =>
      observeStream(metrics, 'stream_completion', request.model, () =>
        inference.streamCompletion(request, options),
      ),
    chatCompletion: (request, options) =>
      observeCall(
        metrics,
        'chat_completion',
        request.model,
        () => inference.chatCompletion(request, options),
        (result) => ({ usage: result.usage, logprobs: result.logprobs }),
      ),
    streamChatCompletion: (request, options) =>
      observeStream(metrics, 'stream_chat_completion', request.model, () =>
        inference.streamChatCompletion(request, options),
      ),
    batchCompletion: (request, options) => inference.batchCompletion(request, options),
    batchChatCompletion: (request, options) => inference.batchChatCompletion(request, options),
    embeddings: (request, options) =>
      observeCall(
        metrics,
        'embeddings',
        request.model,
        () => inference.embeddings(request, options),
        (result) => ({
          usage: result.usage,
          logprobs: undefined,
        }),
      ),
  };
  // Optional operations stay absent when the wrapped implementation lacks them, so callers can test for them.
  const { tokenize, modelInfo } = inference;
  if (tokenize) instrumented.tokenize = (request, options) => tokenize.call(inference, request, options);
  if (modelInfo) instrumented.modelInfo = (request, options) => modelInfo.call(inference, request, options);
  return instrumented;
}

interface CallTokens {
  usage: TokenUsage | null | undefined;
  logprobs: TokenLogprobs | null | undefined;
}

async function observeCall<Result>(
  metrics: StackMetrics,
  operation: string,
  model: string,
  run: () => Promise<Result>,
  tokensOf: (result: Result) => CallTokens,
): Promise<Result> {
  const started = performance.now();
  metrics.inferenceInFlight.inc({ operation });
  try {
    const result = await run();
    const { usage, logprobs } = tokensOf(result);
    if (usage) metrics.promptTokens.inc({ model }, usage.prompt_tokens);
    const generated = usage?.completion_tokens ?? logprobs?.content.length;
    if (generated) metrics.generatedTokens.inc({ model }, generated);
    finishCall(metrics, operation, model, 'ok', started);
    return result;
  } catch (error) {
    finishCall(metrics, operation, 'unknown', outcomeOf(error), started);
    throw error;
  } finally {
    metrics.inferenceInFlight.dec({ operation });
  }
}

async function* observeStream<Chunk extends StreamChunk>(
  metrics: StackMetrics,
  operation: string,
  model: string,
  start: () => AsyncIterable<Chunk>,
): AsyncGenerator<Chunk, void, undefined> {
  const started = performance.now();
  metrics.inferenceInFlight.inc({ operation });
  let outcome = 'cancelled';
  let answered = false;
  let lastTokenAt: number | undefined;
  let counted = 0;
  let usage: TokenUsage | undefined;
  try {
    for await (const chunk of start()) {
      // A chunk arrived, so the router accepted the model: it is a registered id, safe as a label.
      answered = true;
      if (chunk.usage) usage = chunk.usage;
      const tokens = tokensInChunk(chunk);
      if (tokens > 0) {
        const now = performance.now();
        if (lastTokenAt === undefined) metrics.timeToFirstToken.observe({ model }, (now - started) / 1000);
        else metrics.timePerOutputToken.observe({ model }, (now - lastTokenAt) / 1000 / tokens);
        lastTokenAt = now;
        counted += tokens;
      }
      yield chunk;
    }
    outcome = 'ok';
  } catch (error) {
    outcome = outcomeOf(error);
    throw error;
  } finally {
    metrics.inferenceInFlight.dec({ operation });
    const label = answered ? model : 'unknown';
    if (answered) {
      if (usage) metrics.promptTokens.inc({ model }, usage.prompt_tokens);
      const generated = usage?.completion_tokens ?? counted;
      if (generated > 0) metrics.generatedTokens.inc({ model }, generated);
    }
    finishCall(metrics, operation, label, outcome, started);
  }
}

function finishCall(
  metrics: StackMetrics,
  operation: string,
  model: string,
  outcome: string,
  started: number,
): void {
  metrics.inferenceRequests.inc({ operation, model, outcome });
  metrics.inferenceDuration.observe({ operation, model }, (performance.now() - started) / 1000);
}

/** Tokens a chunk carries: its log-probability entries when present, else one per non-empty piece. */
function tokensInChunk(chunk: StreamChunk): number {
  const entries = chunk.logprobs?.content.length ?? 0;
  if (entries > 0) return entries;
  const toolCall = 'tool_call' in chunk && chunk.tool_call ? 1 : 0;
  return (chunk.text_delta.length > 0 ? 1 : 0) + toolCall;
}

/** A bounded label for a failure: the stack error's code, else `internal_error`. */
function outcomeOf(error: unknown): string {
  return StackError.isInstance(error) ? error.code : 'internal_error';
}
