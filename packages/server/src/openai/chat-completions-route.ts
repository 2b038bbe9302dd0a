import type {
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatCompletionResponseStreamChunk,
  ToolCall,
} from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import type { Handler } from 'hono';
import { resolveModel } from '../inference-access/resolve-model.js';
import { toChatCompletionRequest } from './convert-openai-chat-request.js';
import { mergeChoiceStreams, runChoices } from './merge-choice-streams.js';
import { ChatCompletionCreateRequest } from './openai-chat-schemas.js';
import { type ChoiceTally, newChoiceTally, tallyChunk, totalUsage } from './openai-choice-tally.js';
import { toFinishReason } from './openai-finish-reason.js';
import { headOf, newResponseHead, openAiId, type ResponseHead } from './openai-ids.js';
import type { ChatCompletion, ChatCompletionChunkChoice, OpenAiToolCall } from './openai-response-schemas.js';
import { choiceCount, type OpenAiRouteContext } from './openai-route-context.js';
import { chunkFactory, respondWithOpenAiStream } from './openai-sse.js';
import { UsageTotals } from './openai-usage.js';
import { parseOpenAiBody } from './parse-openai-body.js';
import { toChatLogprobs } from './to-openai-logprobs.js';

/** `POST /v1/chat/completions`: one stack chat completion per choice, answered as OpenAI does. */
export function chatCompletionsRoute(context: OpenAiRouteContext): Handler {
  return async function chatCompletions(c) {
    const body = await parseOpenAiBody(c, ChatCompletionCreateRequest);
    const n = choiceCount(context, body.n);
    const model = await resolveModel(context.inference.stack.models, body.model, 'llm', context.defaultModel);
    const requests = Array.from({ length: n }, (_, index) => toChatCompletionRequest(body, model, index));
    const topLogprobs = body.top_logprobs ?? 0;
    const base = newResponseHead('chatcmpl-', model, context.systemFingerprint);

    if (body.stream) {
      const includeUsage = body.stream_options?.include_usage === true;
      return respondWithOpenAiStream(c, context, (signal) =>
        chatChunks(context, requests, signal, {
          base,
          includeUsage,
          topLogprobs,
          logprobs: body.logprobs === true,
        }),
      );
    }

    const signal = c.req.raw.signal;
    const inference = context.inference.inference();
    const responses = await runChoices(
      requests.map((request) => () => inference.chatCompletion(request, { signal })),
      context.parallelChoices,
    );
    const usage = new UsageTotals();
    const completion: ChatCompletion = {
      ...headOf(base, 'chat.completion'),
      choices: responses.map((response, index) => {
        usage.add(response.usage, response.logprobs?.content.length ?? 0, index === 0);
        return toChoice(response, index, body.logprobs === true, topLogprobs);
      }),
      usage: usage.toJSON(),
    };
    return c.json(completion);
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

/**
 * The chunks of a streamed chat completion, as OpenAI sends them: per choice, a first chunk with
 * the role, then content and tool-call deltas, then an empty delta with `finish_reason`; with
 * `stream_options.include_usage`, a last chunk with no choices and the usage (every other chunk
 * carries `usage: null`). The trailer `[DONE]` is added by `respondWithOpenAiStream`.
 */
async function* chatChunks(
  context: OpenAiRouteContext,
  requests: readonly ChatCompletionRequest[],
  signal: AbortSignal,
  { base, includeUsage, logprobs, topLogprobs }: ChunkFramesOptions,
): AsyncGenerator<object, void, undefined> {
  const inference = context.inference.inference();
  const chunkOf = chunkFactory<ChatCompletionChunkChoice>(base, 'chat.completion.chunk', includeUsage);
  const states = requests.map((): ChoiceState => ({ ...newChoiceTally(), started: false, toolCalls: 0 }));
  const events = mergeChoiceStreams<ChatCompletionResponseStreamChunk>(
    requests.map((request) => () => inference.streamChatCompletion(request, { signal })),
    context.parallelChoices,
  );

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
