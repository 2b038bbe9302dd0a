import {
  type BatchChatCompletionRequest,
  type BatchChatCompletionResponse,
  type BatchCompletionRequest,
  type BatchCompletionResponse,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type ChatCompletionResponseStreamChunk,
  type CompletionRequest,
  type CompletionResponse,
  type CompletionResponseStreamChunk,
  type DiscoveredModel,
  DisposedError,
  type EmbeddingInference,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type Model,
  type RequestOptions,
  type TextGenerationInference,
  type TokenUsage,
  type ToolCall,
} from '@llama-stack-ts/core';
import {
  batchBySingleRequests,
  createEventSourceResponseHandler,
  createJsonErrorResponseHandler,
  createJsonResponseHandler,
  getFromApi,
  InvalidResponseError,
  postJsonToApi,
  type ResponseHandler,
  redactUrl,
  upstreamCallOptions,
} from '@llama-stack-ts/provider-utils';
import type { z } from 'zod';
import { fromFinishReason } from './from-finish-reason.js';
import { fromChatLogprobs, fromCompletionLogprobs } from './from-openai-logprobs.js';
import type { RemoteOpenAiConfig } from './remote-openai-config.js';
import { contentAsText } from './to-openai-messages.js';
import { toOpenAiChatBody, toOpenAiCompletionBody } from './to-openai-request-fields.js';
import {
  UpstreamChatCompletion,
  UpstreamChatCompletionChunk,
  UpstreamEmbeddingList,
  UpstreamErrorBody,
  UpstreamModelList,
  UpstreamTextCompletion,
  type UpstreamUsage,
} from './upstream-openai-schemas.js';

const failedResponseHandler = createJsonErrorResponseHandler({
  errorSchema: UpstreamErrorBody,
  errorToMessage: (body) => (typeof body.error === 'string' ? body.error : body.error.message),
});

/**
 * `remote::openai`: the stack's inference calls relayed to an OpenAI-compatible upstream. Every call
 * goes through provider-utils' `callApi` as a gateway: timeouts, 429/503 retries, the client's
 * abort passed on (so a client that leaves cancels the upstream request), and upstream failures
 * answered 4xx as they came, else 502/504 naming the upstream.
 */
export class RemoteOpenAiInference implements TextGenerationInference, EmbeddingInference {
  readonly #config: RemoteOpenAiConfig;
  readonly #apiKey: string | undefined;
  /** How errors name the upstream: the provider id and the base URL, without credentials. */
  readonly #upstream: string;
  /** Stack model id -> upstream model id. */
  readonly #models = new Map<string, string>();
  #disposed = false;

  constructor(options: { config: RemoteOpenAiConfig; providerId: string; apiKey: string | undefined }) {
    this.#config = options.config;
    this.#apiKey = options.apiKey;
    this.#upstream = `'${options.providerId}' at ${redactUrl(options.config.base_url)}`;
  }

  addModel(model: Pick<Model, 'identifier' | 'provider_resource_id'>): void {
    this.#models.set(model.identifier, model.provider_resource_id);
  }

  /**
   * The models to serve beyond the manifest's: the configured ids, else every model the upstream
   * lists. An upstream that is down at start-up lists none (its models can be registered later).
   */
  async discoverModels(
    registered: readonly Model[],
    onUnreachable: (error: unknown) => void,
  ): Promise<DiscoveredModel[]> {
    let ids = this.#config.models;
    if (ids.length === 0) {
      try {
        ids = (await this.listUpstreamModels(this.#config.read_timeout_ms)).map((model) => model.id);
      } catch (error) {
        onUnreachable(error);
        return [];
      }
    }
    const servedIds = new Set(registered.flatMap((model) => [model.identifier, model.provider_resource_id]));
    return ids
      .filter((id) => !servedIds.has(id))
      .map((id) => ({
        identifier: id,
        provider_resource_id: id,
        model_type: this.#config.embedding_models.includes(id) ? 'embedding' : 'llm',
      }));
  }

  /** `GET /models` of the upstream: its models, or the reason it cannot be reached (for /health). */
  async listUpstreamModels(timeoutMs: number, signal?: AbortSignal): Promise<{ id: string }[]> {
    const { value } = await getFromApi({
      ...this.#callOptions(signal),
      url: `${this.#config.base_url}/models`,
      gateway: true,
      connectTimeoutMs: timeoutMs,
      readTimeoutMs: timeoutMs,
      successfulResponseHandler: createJsonResponseHandler(UpstreamModelList),
    });
    return value.data;
  }

  async chatCompletion(
    request: ChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<ChatCompletionResponse> {
    const body = toOpenAiChatBody(request, this.#upstreamModel(request.model));
    const answer = await this.#post('/chat/completions', body, UpstreamChatCompletion, options);
    const [choice] = answer.choices;
    if (!choice) throw new InvalidResponseError({ reason: 'no choice in the answer' });
    const toolCalls = (choice.message.tool_calls ?? []).map((call, index) =>
      this.#toolCall(call.function, `choices.0.message.tool_calls.${index}.function.arguments`),
    );
    return {
      content: choice.message.content ?? '',
      tool_calls: toolCalls,
      stop_reason: fromFinishReason(choice.finish_reason),
      logprobs: fromChatLogprobs(choice.logprobs),
      usage: toUsage(answer.usage),
    };
  }

  async *streamChatCompletion(
    request: ChatCompletionRequest,
    options?: RequestOptions,
  ): AsyncIterable<ChatCompletionResponseStreamChunk> {
    const body = {
      ...toOpenAiChatBody(request, this.#upstreamModel(request.model)),
      stream: true,
      stream_options: { include_usage: true },
    };
    const chunks = await this.#postStream('/chat/completions', body, UpstreamChatCompletionChunk, options);
    // OpenAI streams a tool call in pieces (name, then arguments bit by bit); the stack sends each whole.
    const toolCalls: { name: string; arguments: string }[] = [];
    let finishReason: string | null | undefined;
    let usage: UpstreamUsage;
    for await (const chunk of chunks) {
      usage = chunk.usage ?? usage;
      const [choice] = chunk.choices;
      if (!choice) continue;
      finishReason = choice.finish_reason ?? finishReason;
      for (const piece of choice.delta.tool_calls ?? []) {
        const call = toolCalls[piece.index] ?? { name: '', arguments: '' };
        toolCalls[piece.index] = call;
        call.name += piece.function?.name ?? '';
        call.arguments += piece.function?.arguments ?? '';
      }
      const logprobs = fromChatLogprobs(choice.logprobs);
      if (choice.delta.content || logprobs) {
        yield { text_delta: choice.delta.content ?? '', ...(logprobs ? { logprobs } : {}) };
      }
    }
    for (const [index, call] of toolCalls.entries()) {
      yield { text_delta: '', tool_call: this.#toolCall(call, `tool_calls.${index}.function.arguments`) };
    }
    yield { text_delta: '', stop_reason: fromFinishReason(finishReason), usage: toUsage(usage) };
  }

  async completion(request: CompletionRequest, options?: RequestOptions): Promise<CompletionResponse> {
    const answer = await this.#post(
      '/completions',
      this.#completionBody(request),
      UpstreamTextCompletion,
      options,
    );
    const [choice] = answer.choices;
    if (!choice) throw new InvalidResponseError({ reason: 'no choice in the answer' });
    return {
      content: choice.text,
      stop_reason: fromFinishReason(choice.finish_reason),
      logprobs: fromCompletionLogprobs(choice.logprobs),
      usage: toUsage(answer.usage),
    };
  }

  async *streamCompletion(
    request: CompletionRequest,
    options?: RequestOptions,
  ): AsyncIterable<CompletionResponseStreamChunk> {
    const body = { ...this.#completionBody(request), stream: true, stream_options: { include_usage: true } };
    const chunks = await this.#postStream('/completions', body, UpstreamTextCompletion, options);
    let finishReason: string | null | undefined;
    let usage: UpstreamUsage;
    for await (const chunk of chunks) {
      usage = chunk.usage ?? usage;
      const [choice] = chunk.choices;
      if (!choice) continue;
      finishReason = choice.finish_reason ?? finishReason;
      const logprobs = fromCompletionLogprobs(choice.logprobs);
      if (choice.text || logprobs) yield { text_delta: choice.text, ...(logprobs ? { logprobs } : {}) };
    }
    yield { text_delta: '', stop_reason: fromFinishReason(finishReason), usage: toUsage(usage) };
  }

  batchCompletion(
    request: BatchCompletionRequest,
    options?: RequestOptions,
  ): Promise<BatchCompletionResponse> {
    return batchBySingleRequests.completion(this, request, options);
  }

  batchChatCompletion(
    request: BatchChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<BatchChatCompletionResponse> {
    return batchBySingleRequests.chatCompletion(this, request, options);
  }

  async embeddings(request: EmbeddingsRequest, options?: RequestOptions): Promise<EmbeddingsResponse> {
    const input = request.contents.map((content, index) => contentAsText(content, `contents[${index}]`));
    const body = { model: this.#upstreamModel(request.model), input, encoding_format: 'float' };
    const answer = await this.#post('/embeddings', body, UpstreamEmbeddingList, options);
    const ordered = [...answer.data].sort((a, b) => a.index - b.index);
    if (ordered.length !== input.length) {
      throw new InvalidResponseError({
        reason: `${ordered.length} embeddings for ${input.length} inputs`,
      });
    }
    return {
      embeddings: ordered.map((item) => item.embedding),
      usage: answer.usage ? { prompt_tokens: answer.usage.prompt_tokens, completion_tokens: 0 } : null,
    };
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  #completionBody(request: CompletionRequest): Record<string, unknown> {
    const prompt = contentAsText(request.content, 'content');
    return toOpenAiCompletionBody(request, this.#upstreamModel(request.model), prompt);
  }

  #upstreamModel(model: string): string {
    if (this.#disposed) throw new DisposedError('remote::openai inference');
    return this.#models.get(model) ?? model;
  }

  #toolCall(call: { name: string; arguments: string }, path: string): ToolCall {
    let parsed: unknown;
    try {
      parsed = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InvalidResponseError({
        path,
        reason: `the arguments of tool call '${call.name}' are not a JSON object`,
        value: call.arguments,
      });
    }
    return { tool_name: call.name, arguments: parsed as Record<string, unknown> };
  }

  #callOptions(signal: AbortSignal | undefined) {
    return {
      headers: { authorization: this.#apiKey ? `Bearer ${this.#apiKey}` : undefined },
      failedResponseHandler,
      provider: this.#upstream,
      ...(signal ? { signal } : {}),
    };
  }

  async #post<Schema extends z.ZodType>(
    path: string,
    body: Record<string, unknown>,
    schema: Schema,
    options: RequestOptions | undefined,
  ): Promise<z.output<Schema>> {
    return this.#send(path, body, createJsonResponseHandler(schema), options, false);
  }

  #postStream<Schema extends z.ZodType>(
    path: string,
    body: Record<string, unknown>,
    schema: Schema,
    options: RequestOptions | undefined,
  ): Promise<AsyncIterable<z.output<Schema>>> {
    return this.#send(path, body, createEventSourceResponseHandler(schema), options, true);
  }

  async #send<Result>(
    path: string,
    body: Record<string, unknown>,
    successfulResponseHandler: ResponseHandler<Result>,
    options: RequestOptions | undefined,
    streamed: boolean,
  ): Promise<Result> {
    const { value } = await postJsonToApi({
      ...this.#callOptions(options?.signal),
      ...upstreamCallOptions(this.#config, { streamed }),
      url: `${this.#config.base_url}${path}`,
      body,
      successfulResponseHandler,
    });
    return value;
  }
}

function toUsage(usage: UpstreamUsage): TokenUsage | null {
  return usage ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens } : null;
}
