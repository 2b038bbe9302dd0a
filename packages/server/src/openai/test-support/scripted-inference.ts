import {
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type ChatCompletionResponseStreamChunk,
  type CompletionRequest,
  type CompletionResponse,
  type CompletionResponseStreamChunk,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type Inference,
  type InferenceModelInfo,
  InferenceRouter,
  type LogprobsConfig,
  type Model,
  ModelRegistry,
  NotImplementedError,
  OverloadedError,
  type StopReason,
  type TokenizeRequest,
  type TokenizeResponse,
  type TokenLogprobs,
  type ToolCall,
} from '@llama-stack-ts/core';
import type { InferenceStack } from '../stack-inference.js';

/**
 * A deterministic inference provider for the wire-format tests of the OpenAI and TGI routes. What
 * it answers depends on the model:
 * - `tiny-llm`: the pieces `Hello`, ` world`, `!` (`finished_ok`); with `max_tokens: 2` only the
 *   first two (`max_tokens`). A chat with tools (and `tool_choice` other than `none`) calls the first
 *   tool with `{ "city": "Paris" }`. Usage: 5 prompt tokens, one generated token per piece.
 * - `busy-llm`: fails at once with `OverloadedError` (429).
 * - `flaky-llm`: streams `Hello`, then fails with a plain `Error` (an internal fault).
 * - `tiny-embed`: embeddings `[length, 0.5, -1]` per input.
 * Every call is recorded in `calls`, so a test can check what the routes asked the provider for.
 */
export class ScriptedInference implements Inference {
  readonly calls: { operation: string; request: unknown }[] = [];

  async completion(request: CompletionRequest): Promise<CompletionResponse> {
    this.#record('completion', request);
    const script = this.#script(request.model, request.max_tokens);
    return {
      content: script.pieces.join(''),
      stop_reason: script.stopReason,
      logprobs: logprobsOf(script.pieces, request.logprobs, 0),
      usage: { prompt_tokens: 5, completion_tokens: script.pieces.length },
    };
  }

  async *streamCompletion(request: CompletionRequest): AsyncGenerator<CompletionResponseStreamChunk> {
    this.#record('streamCompletion', request);
    yield* this.#stream(request.model, request.max_tokens, request.logprobs);
  }

  async chatCompletion(request: ChatCompletionRequest): Promise<ChatCompletionResponse> {
    this.#record('chatCompletion', request);
    const toolCall = toolCallOf(request);
    if (toolCall) {
      return {
        content: '',
        tool_calls: [toolCall],
        stop_reason: 'finished_ok',
        usage: { prompt_tokens: 5, completion_tokens: 1 },
      };
    }
    const script = this.#script(request.model, request.max_tokens);
    return {
      content: script.pieces.join(''),
      tool_calls: [],
      stop_reason: script.stopReason,
      logprobs: logprobsOf(script.pieces, request.logprobs, 0),
      usage: { prompt_tokens: 5, completion_tokens: script.pieces.length },
    };
  }

  async *streamChatCompletion(
    request: ChatCompletionRequest,
  ): AsyncGenerator<ChatCompletionResponseStreamChunk> {
    this.#record('streamChatCompletion', request);
    const toolCall = toolCallOf(request);
    if (toolCall) {
      yield { text_delta: '', tool_call: toolCall };
      yield { text_delta: '', stop_reason: 'finished_ok', usage: { prompt_tokens: 5, completion_tokens: 1 } };
      return;
    }
    yield* this.#stream(request.model, request.max_tokens, request.logprobs);
  }

  async batchCompletion(): Promise<CompletionResponse[]> {
    throw new NotImplementedError('inline::scripted', 'batchCompletion');
  }

  async batchChatCompletion(): Promise<ChatCompletionResponse[]> {
    throw new NotImplementedError('inline::scripted', 'batchChatCompletion');
  }

  async embeddings(request: EmbeddingsRequest): Promise<EmbeddingsResponse> {
    this.#record('embeddings', request);
    const texts = request.contents.map((content) => (typeof content === 'string' ? content : ''));
    return {
      embeddings: texts.map((text) => [text.length, 0.5, -1]),
      usage: { prompt_tokens: texts.length * 2, completion_tokens: 0 },
    };
  }

  /** Words and the spaces before them are tokens, after a BOS token (id 1, no text). */
  async tokenize(request: TokenizeRequest): Promise<TokenizeResponse> {
    this.#record('tokenize', request);
    const words = request.content.match(/\s*\S+/g) ?? [];
    return {
      tokens: [
        { id: 1, text: '', special: true },
        ...words.map((text, index) => ({ id: 100 + index, text })),
      ],
    };
  }

  async modelInfo(): Promise<InferenceModelInfo> {
    return { context_length: 2048 };
  }

  #record(operation: string, request: unknown): void {
    this.calls.push({ operation, request });
  }

  #script(model: string, maxTokens: number): { pieces: string[]; stopReason: StopReason } {
    if (model === 'busy-llm')
      throw new OverloadedError('Model is overloaded: 8 requests are queued; retry later.');
    if (maxTokens === 2) return { pieces: ['Hello', ' world'], stopReason: 'max_tokens' };
    return { pieces: ['Hello', ' world', '!'], stopReason: 'finished_ok' };
  }

  async *#stream(
    model: string,
    maxTokens: number,
    logprobs: false | LogprobsConfig,
  ): AsyncGenerator<CompletionResponseStreamChunk> {
    const script = this.#script(model, maxTokens);
    for (const [index, piece] of script.pieces.entries()) {
      if (model === 'flaky-llm' && index === 1) throw new Error('the GPU caught fire');
      yield { text_delta: piece, logprobs: logprobsOf([piece], logprobs, index) };
    }
    yield {
      text_delta: '',
      stop_reason: script.stopReason,
      usage: { prompt_tokens: 5, completion_tokens: script.pieces.length },
    };
  }
}

/** One entry per piece: logprob `-(position + 1) / 4`, alternatives the piece itself and `x`. */
function logprobsOf(
  pieces: readonly string[],
  config: false | LogprobsConfig,
  firstPosition: number,
): TokenLogprobs | null {
  if (!config) return null;
  return {
    content: pieces.map((piece, offset) => {
      const position = firstPosition + offset;
      const logprob = -(position + 1) / 4;
      return {
        token: piece,
        logprob,
        token_id: 100 + position,
        top_logprobs: [
          { token: piece, logprob, token_id: 100 + position },
          { token: 'x', logprob: -3, token_id: 7 },
        ].slice(0, config.top_k),
      };
    }),
  };
}

function toolCallOf(request: ChatCompletionRequest): ToolCall | undefined {
  const [tool] = request.available_tools;
  if (!tool || request.tool_choice === 'none') return undefined;
  const name = typeof request.tool_choice === 'object' ? request.tool_choice.tool_name : tool.tool_name;
  return { tool_name: name, arguments: { city: 'Paris' } };
}

export const scriptedModels: Model[] = [
  {
    identifier: 'tiny-llm',
    provider_id: 'scripted',
    provider_resource_id: 'tiny',
    model_type: 'llm',
    metadata: {},
  },
  {
    identifier: 'busy-llm',
    provider_id: 'scripted',
    provider_resource_id: 'busy',
    model_type: 'llm',
    metadata: {},
  },
  {
    identifier: 'flaky-llm',
    provider_id: 'scripted',
    provider_resource_id: 'flaky',
    model_type: 'llm',
    metadata: {},
  },
  {
    identifier: 'tiny-embed',
    provider_id: 'scripted',
    provider_resource_id: 'embed',
    model_type: 'embedding',
    metadata: {},
  },
];

/**
 * A stack serving `ScriptedInference` behind the real inference router, so unknown models and
 * model-type mistakes are answered exactly as in a running distribution.
 */
export function scriptedStack(
  provider = new ScriptedInference(),
): InferenceStack & { provider: ScriptedInference } {
  const registry = new ModelRegistry(scriptedModels);
  const router = new InferenceRouter(registry, [
    { providerId: 'scripted', providerType: 'inline::scripted', implementation: provider },
  ]);
  return { manifest: { name: 'scripted' }, apis: { inference: router }, models: registry, provider };
}

/**
 * Replaces what changes from run to run (ids, timestamps) with fixed text, so a test can compare
 * bodies and SSE frames byte for byte.
 */
export function normalizeVolatile(text: string): string {
  return text
    .replace(/"(chatcmpl|cmpl)-[A-Za-z0-9]+"/g, '"$1-ID"')
    .replace(/"call_[A-Za-z0-9]+"/g, '"call_ID"')
    .replace(/"created":\d+/g, '"created":0');
}
