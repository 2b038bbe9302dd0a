import type { CompletionRequest, CompletionResponseStreamChunk } from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import type { Handler } from 'hono';
import { resolveModel } from '../inference-access/resolve-model.js';
import { toCompletionRequest } from './convert-openai-completion-request.js';
import { invalidParam } from './invalid-param.js';
import { mergeChoiceStreams, runChoices } from './merge-choice-streams.js';
import { type ChoiceTally, newChoiceTally, tallyChunk, totalUsage } from './openai-choice-tally.js';
import { CompletionCreateRequest } from './openai-completion-schemas.js';
import { toFinishReason } from './openai-finish-reason.js';
import { headOf, newResponseHead, type ResponseHead } from './openai-ids.js';
import type { TextCompletion, TextCompletionChoice } from './openai-response-schemas.js';
import { choiceCount, type OpenAiRouteContext } from './openai-route-context.js';
import { chunkFactory, respondWithOpenAiStream } from './openai-sse.js';
import { UsageTotals } from './openai-usage.js';
import { parseOpenAiBody } from './parse-openai-body.js';
import { toCompletionLogprobs } from './to-openai-logprobs.js';

/** One choice to generate: its prompt, and whether it is the first choice of that prompt. */
interface PlannedChoice {
  prompt: string;
  firstOfPrompt: boolean;
  request: CompletionRequest;
}

/**
 * `POST /v1/completions`: the legacy text completion API. Each prompt gets `n` choices, indexed
 * prompt by prompt (`prompt × n + i`), as OpenAI numbers them.
 */
export function completionsRoute(context: OpenAiRouteContext): Handler {
  return async function completions(c) {
    const body = await parseOpenAiBody(c, CompletionCreateRequest);
    if (body.suffix) throw invalidParam('suffix', 'is not supported: add the text to the prompt instead');
    const prompts = typeof body.prompt === 'string' ? [body.prompt] : body.prompt;
    const n = choiceCount(context, body.n, prompts.length);
    if (body.best_of !== null && body.best_of !== undefined && body.best_of !== n) {
      throw invalidParam('best_of', `must equal n (${n}): this server returns every choice it generates`);
    }
    const model = await resolveModel(context.inference.stack.models, body.model, 'llm', context.defaultModel);
    const planned: PlannedChoice[] = prompts.flatMap((prompt) =>
      Array.from({ length: n }, (_, index) => ({
        prompt,
        firstOfPrompt: index === 0,
        request: toCompletionRequest(body, model, prompt, index),
      })),
    );
    const echo = body.echo === true;
    const topLogprobs = body.logprobs ?? 0;
    const wantsLogprobs = body.logprobs !== null && body.logprobs !== undefined;
    const base = newResponseHead('cmpl-', model, context.systemFingerprint);

    if (body.stream) {
      const includeUsage = body.stream_options?.include_usage === true;
      return respondWithOpenAiStream(c, context, (signal) =>
        completionChunks(context, planned, signal, {
          base,
          includeUsage,
          echo,
          wantsLogprobs,
          topLogprobs,
        }),
      );
    }

    const signal = c.req.raw.signal;
    const inference = context.inference.inference();
    const responses = await runChoices(
      planned.map((choice) => () => inference.completion(choice.request, { signal })),
      context.parallelChoices,
    );
    const usage = new UsageTotals();
    const completion: TextCompletion = {
      ...headOf(base, 'text_completion'),
      choices: responses.map((response, index): TextCompletionChoice => {
        const choice = planned[index] as PlannedChoice;
        usage.add(response.usage, response.logprobs?.content.length ?? 0, choice.firstOfPrompt);
        const text = contentToText(response.content);
        return {
          text: echo ? choice.prompt + text : text,
          index,
          logprobs: wantsLogprobs
            ? toCompletionLogprobs(response.logprobs, topLogprobs, choice.prompt.length)
            : null,
          finish_reason: toFinishReason(response.stop_reason),
        };
      }),
      usage: usage.toJSON(),
    };
    return c.json(completion);
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

/** The chunks of a streamed legacy completion: text deltas per choice, then each choice's `finish_reason`. */
async function* completionChunks(
  context: OpenAiRouteContext,
  planned: readonly PlannedChoice[],
  signal: AbortSignal,
  { base, includeUsage, echo, wantsLogprobs, topLogprobs }: CompletionFramesOptions,
): AsyncGenerator<object, void, undefined> {
  const inference = context.inference.inference();
  const chunkOf = chunkFactory<TextCompletionChoice>(base, 'text_completion', includeUsage);
  const states = planned.map(
    (choice): CompletionChoiceState => ({
      ...newChoiceTally(),
      started: false,
      offset: choice.prompt.length,
    }),
  );
  const events = mergeChoiceStreams<CompletionResponseStreamChunk>(
    planned.map((choice) => () => inference.streamCompletion(choice.request, { signal })),
    context.parallelChoices,
  );

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
