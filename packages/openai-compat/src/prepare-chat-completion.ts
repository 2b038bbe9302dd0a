import type {
  ChatCompletionResponse,
  ChatCompletionResponseStreamChunk,
  ToolCall,
} from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import { choiceCount } from './choice-count.js';
import { chunkFactory } from './chunk-factory.js';
import { toChatCompletionRequest } from './convert-openai-chat-request.js';
import { mergeChoiceStreams, runChoices } from './merge-choice-streams.js';
import { defaultMaxChoices, type OpenAiCallOptions } from './openai-call-options.js';
import type { ChatCompletionCreateRequest } from './openai-chat-schemas.js';
import { type ChoiceTally, newChoiceTally, tallyChunk, totalUsage } from './openai-choice-tally.js';
import { toFinishReason } from './openai-finish-reason.js';
import { headOf, newResponseHead, openAiId, type ResponseHead } from './openai-ids.js';
import type { ChatCompletion, ChatCompletionChunkChoice, OpenAiToolCall } from './openai-response-schemas.js';
import { UsageTotals } from './openai-usage.js';
import { toChatLogprobs } from './to-openai-logprobs.js';

/** A chat completion request checked and converted, ready to run whole or streamed. */
export interface ChatCompletionCall {
  /** Runs every choice and answers with one `chat.completion`. */
  run(signal: AbortSignal): Promise<ChatCompletion>;
  /**
   * The chunks of the streamed answer, as OpenAI sends them: per choice, a first chunk with the
   * role, then content and tool-call deltas, then an empty delta with `finish_reason`; with
   * `stream_options.include_usage`, a last chunk with no choices and the usage (every other chunk
   * carries `usage: null`). The SSE framing and `[DONE]` are the caller's.
   */
  stream(signal: AbortSignal): AsyncGenerator<object, void, undefined>;
}

/**
 * Checks and converts an OpenAI chat request on `model` (one stack chat completion per choice); a
 * bad value throws a 400 naming the OpenAI field before anything runs.
 */
export function prepareChatCompletion(
  body: ChatCompletionCreateRequest,
  model: string,
  options: OpenAiCallOptions,
): ChatCompletionCall {
  const n = choiceCount(body.n, options.maxChoices ?? defaultMaxChoices);
  const requests = Array.from({ length: n }, (_, index) => toChatCompletionRequest(body, model, index));
  const parallel = options.parallelChoices ?? true;
  const logprobs = body.logprobs === true;
  const topLogprobs = body.top_logprobs ?? 0;
  const { inference } = options;
  const head = () => newResponseHead('chatcmpl-', model, options.systemFingerprint);

  return {
    async run(signal) {
      const base = head();
      const responses = await runChoices(
        requests.map((request) => () => inference.chatCompletion(request, { signal })),
        parallel,
      );
      const usage = new UsageTotals();
      return {
        ...headOf(base, 'chat.completion'),
        choices: responses.map((response, index) => {
          usage.add(response.usage, response.logprobs?.content.length ?? 0, index === 0);
          return toChoice(response, index, logprobs, topLogprobs);
        }),
        usage: usage.toJSON(),
      };
    },
    stream(signal) {
      const includeUsage = body.stream_options?.include_usage === true;
      const starts = requests.map((request) => () => inference.streamChatCompletion(request, { signal }));
      return chatChunks(starts, parallel, { base: head(), includeUsage, logprobs, topLogprobs });
    },
  };
}

function toChoice(
  response: ChatCompletionResponse,
  index: number,
  logprobs: boolean,
  topLogprobs: number,
): ChatCompletion['choices'][number] {
  const toolCalls = response.tool_calls.map(toOpenAiToolCall);
  const text = contentToText(response.content);
  return {
    index,
    message: {
      role: 'assistant',
      content: text === '' && toolCalls.length > 0 ? null : text,
      refusal: null,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    logprobs: logprobs ? toChatLogprobs(response.logprobs, topLogprobs) : null,
    finish_reason: toFinishReason(response.stop_reason, toolCalls.length > 0),
  };
}

function toOpenAiToolCall(call: ToolCall): OpenAiToolCall {
  return {
    id: openAiId('call_'),
    type: 'function',
    function: { name: call.tool_name, arguments: JSON.stringify(call.arguments) },
  };
}

interface ChunkFramesOptions {
  base: ResponseHead;
  includeUsage: boolean;
  logprobs: boolean;
  topLogprobs: number;
}

interface ChoiceState extends ChoiceTally {
  started: boolean;
  toolCalls: number;
}

async function* chatChunks(
  starts: readonly (() => AsyncIterable<ChatCompletionResponseStreamChunk>)[],
  parallel: boolean,
  { base, includeUsage, logprobs, topLogprobs }: ChunkFramesOptions,
): AsyncGenerator<object, void, undefined> {
  const chunkOf = chunkFactory<ChatCompletionChunkChoice>(base, 'chat.completion.chunk', includeUsage);
  const states = starts.map((): ChoiceState => ({ ...newChoiceTally(), started: false, toolCalls: 0 }));
  const events = mergeChoiceStreams<ChatCompletionResponseStreamChunk>(starts, parallel);

  for await (const event of events) {
    const { index } = event;
    const state = states[index] as ChoiceState;
    if (!state.started) {
      state.started = true;
      yield chunkOf([
        { index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      ]);
    }
    if (event.done) {
      const finishReason = toFinishReason(state.stopReason, state.toolCalls > 0);
      yield chunkOf([{ index, delta: {}, logprobs: null, finish_reason: finishReason }]);
      continue;
    }
    const { chunk } = event;
    const entries = tallyChunk(state, chunk);
    if (chunk.text_delta || entries > 0) {
      yield chunkOf([
        {
          index,
          delta: { content: chunk.text_delta },
          logprobs: logprobs ? toChatLogprobs(chunk.logprobs, topLogprobs) : null,
          finish_reason: null,
        },
      ]);
    }
    if (chunk.tool_call) {
      yield chunkOf([
        {
          index,
          delta: { tool_calls: [{ index: state.toolCalls++, ...toOpenAiToolCall(chunk.tool_call) }] },
          logprobs: null,
          finish_reason: null,
        },
      ]);
    }
  }

  if (includeUsage)
    yield chunkOf(
      [],
      totalUsage(states, (index) => index === 0),
    );
}
