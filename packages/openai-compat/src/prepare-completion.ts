import type { CompletionRequest, CompletionResponseStreamChunk } from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import { choiceCount } from './choice-count.js';
import { chunkFactory } from './chunk-factory.js';
import { toCompletionRequest } from './convert-openai-completion-request.js';
import { invalidParam } from './invalid-param.js';
import { mergeChoiceStreams, runChoices } from './merge-choice-streams.js';
import { defaultMaxChoices, type OpenAiCallOptions } from './openai-call-options.js';
import { type ChoiceTally, newChoiceTally, tallyChunk, totalUsage } from './openai-choice-tally.js';
import type { CompletionCreateRequest } from './openai-completion-schemas.js';
import { toFinishReason } from './openai-finish-reason.js';
import { headOf, newResponseHead, type ResponseHead } from './openai-ids.js';
import type { TextCompletion, TextCompletionChoice } from './openai-response-schemas.js';
import { UsageTotals } from './openai-usage.js';
import { toCompletionLogprobs } from './to-openai-logprobs.js';

/** One choice to generate: its prompt, and whether it is the first choice of that prompt. */
interface PlannedChoice {
  prompt: string;
  firstOfPrompt: boolean;
  request: CompletionRequest;
}

/** A legacy completion request checked and converted, ready to run whole or streamed. */
export interface CompletionCall {
  /** Runs every choice and answers with one `text_completion`. */
  run(signal: AbortSignal): Promise<TextCompletion>;
  /**
   * The chunks of the streamed answer: text deltas per choice, then each choice's `finish_reason`;
   * with `stream_options.include_usage`, a last chunk with the usage. The SSE framing is the caller's.
   */
  stream(signal: AbortSignal): AsyncGenerator<object, void, undefined>;
}

/**
 * Checks and converts a legacy completion request on `model`. Each prompt gets `n` choices,
 * indexed prompt by prompt (`prompt × n + i`), as OpenAI numbers them. A bad value throws a 400
 * naming the OpenAI field before anything runs.
 */
export function prepareCompletion(
  body: CompletionCreateRequest,
  model: string,
  options: OpenAiCallOptions,
): CompletionCall {
  if (body.suffix) throw invalidParam('suffix', 'is not supported: add the text to the prompt instead');
  const prompts = typeof body.prompt === 'string' ? [body.prompt] : body.prompt;
  const n = choiceCount(body.n, options.maxChoices ?? defaultMaxChoices, prompts.length);
  if (body.best_of !== null && body.best_of !== undefined && body.best_of !== n) {
    throw invalidParam('best_of', `must equal n (${n}): this server returns every choice it generates`);
  }
  const planned: PlannedChoice[] = prompts.flatMap((prompt) =>
    Array.from({ length: n }, (_, index) => ({
      prompt,
      firstOfPrompt: index === 0,
      request: toCompletionRequest(body, model, prompt, index),
    })),
  );
  const frames: Omit<CompletionFramesOptions, 'base' | 'includeUsage'> = {
    echo: body.echo === true,
    topLogprobs: body.logprobs ?? 0,
    wantsLogprobs: body.logprobs !== null && body.logprobs !== undefined,
  };
  const parallel = options.parallelChoices ?? true;
  const { inference } = options;
  const head = () => newResponseHead('cmpl-', model, options.systemFingerprint);

  return {
    async run(signal) {
      const base = head();
      const responses = await runChoices(
        planned.map((choice) => () => inference.completion(choice.request, { signal })),
        parallel,
      );
      const usage = new UsageTotals();
      return {
        ...headOf(base, 'text_completion'),
        choices: responses.map((response, index): TextCompletionChoice => {
          const choice = planned[index] as PlannedChoice;
          usage.add(response.usage, response.logprobs?.content.length ?? 0, choice.firstOfPrompt);
          const text = contentToText(response.content);
          return {
            text: frames.echo ? choice.prompt + text : text,
            index,
            logprobs: frames.wantsLogprobs
              ? toCompletionLogprobs(response.logprobs, frames.topLogprobs, choice.prompt.length)
              : null,
            finish_reason: toFinishReason(response.stop_reason),
          };
        }),
        usage: usage.toJSON(),
      };
    },
    stream(signal) {
      const starts = planned.map((choice) => () => inference.streamCompletion(choice.request, { signal }));
      return completionChunks(planned, starts, parallel, {
        ...frames,
        base: head(),
        includeUsage: body.stream_options?.include_usage === true,
      });
    },
  };
}

interface CompletionFramesOptions {
  base: ResponseHead;
  includeUsage: boolean;
  echo: boolean;
  wantsLogprobs: boolean;
  topLogprobs: number;
}

interface CompletionChoiceState extends ChoiceTally {
  started: boolean;
  offset: number;
}

async function* completionChunks(
  planned: readonly PlannedChoice[],
  starts: readonly (() => AsyncIterable<CompletionResponseStreamChunk>)[],
  parallel: boolean,
  { base, includeUsage, echo, wantsLogprobs, topLogprobs }: CompletionFramesOptions,
): AsyncGenerator<object, void, undefined> {
  const chunkOf = chunkFactory<TextCompletionChoice>(base, 'text_completion', includeUsage);
  const states = planned.map(
    (choice): CompletionChoiceState => ({
      ...newChoiceTally(),
      started: false,
      offset: choice.prompt.length,
    }),
  );
  const events = mergeChoiceStreams<CompletionResponseStreamChunk>(starts, parallel);

  for await (const event of events) {
    const { index } = event;
    const state = states[index] as CompletionChoiceState;
    const prefix = echo && !state.started ? (planned[index] as PlannedChoice).prompt : '';
    state.started = true;
    if (event.done) {
      yield chunkOf([
        { text: prefix, index, logprobs: null, finish_reason: toFinishReason(state.stopReason) },
      ]);
      continue;
    }
    const { chunk } = event;
    const entries = tallyChunk(state, chunk);
    if (!prefix && !chunk.text_delta && entries === 0) continue;
    const logprobs = wantsLogprobs ? toCompletionLogprobs(chunk.logprobs, topLogprobs, state.offset) : null;
    state.offset += chunk.text_delta.length;
    yield chunkOf([{ text: prefix + chunk.text_delta, index, logprobs, finish_reason: null }]);
  }

  if (includeUsage) {
    yield chunkOf(
      [],
      totalUsage(states, (index) => (planned[index] as PlannedChoice).firstOfPrompt),
    );
  }
}
