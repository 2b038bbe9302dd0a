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
  DisposedError,
  type InferenceModelInfo,
  type RequestOptions,
  type TextGenerationInference,
  type TokenizeRequest,
  type TokenizeResponse,
  type TokenLogprob,
  type TokenUsage,
} from '@llama-stack-ts/core';
import {
  batchBySingleRequests,
  createEventSourceResponseHandler,
  createJsonErrorResponseHandler,
  createJsonResponseHandler,
  getFromApi,
  postJsonToApi,
  type ResponseHandler,
  redactUrl,
  upstreamCallOptions,
} from '@llama-stack-ts/provider-utils';
import { fromTgiFinishReason, toTokenLogprob } from './from-tgi-details.js';
import { textOf, toLlama3ChatPrompt } from './llama3-chat-prompt.js';
import type { RemoteTgiConfig } from './remote-tgi-config.js';
import { toTgiParameters } from './to-tgi-parameters.js';
import { forcedToolCallSchema, parseToolCall } from './tool-call-schema.js';
import {
  UpstreamTgiGenerateResponse as GenerateResponseSchema,
  UpstreamTgiError,
  type UpstreamTgiGenerateResponse,
  UpstreamTgiInfo,
  UpstreamTgiStreamEvent,
  UpstreamTgiTokens,
} from './upstream-tgi-schemas.js';

const failedResponseHandler = createJsonErrorResponseHandler({
  errorSchema: UpstreamTgiError,
  errorToMessage: (body) => body.error,
});

/** One generation as TGI answered it: the text, its stop reason, logprobs and usage. */
interface Generated {
  text: string;
  stop_reason: CompletionResponse['stop_reason'];
  logprobs: { content: TokenLogprob[] } | null;
  usage: TokenUsage | null;
}

/**
 * `remote::tgi`: the stack's text generation relayed to a TGI server. Chats become Llama 3 prompts;
 * JSON output and forced tool calls run under TGI's JSON `grammar`; TGI's `details` give the stop
 * reason, the log probabilities (with `top_n_tokens`) and the usage. The HTTP is provider-utils'
 * `callApi` as a gateway, as for `remote::openai`.
 */
export class RemoteTgiInference implements TextGenerationInference {
  readonly #config: RemoteTgiConfig;
  readonly #apiKey: string | undefined;
  readonly #upstream: string;
  #disposed = false;

  constructor(options: { config: RemoteTgiConfig; providerId: string; apiKey: string | undefined }) {
    this.#config = options.config;
    this.#apiKey = options.apiKey;
    this.#upstream = `'${options.providerId}' at ${redactUrl(options.config.url)}`;
  }

  /** `GET /info`: the model the server runs and its context length. */
  async info(
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ model_id: string; max_total_tokens?: number | null }> {
    const { value } = await getFromApi({
      ...this.#callOptions(signal),
      gateway: true,
      connectTimeoutMs: timeoutMs,
      readTimeoutMs: timeoutMs,
      url: `${this.#config.url}/info`,
      successfulResponseHandler: createJsonResponseHandler(UpstreamTgiInfo),
    });
    return value;
  }

  async completion(request: CompletionRequest, options?: RequestOptions): Promise<CompletionResponse> {
    const generated = await this.#generate(textOf(request.content, 'content'), request, undefined, options);
    return {
      content: generated.text,
      stop_reason: generated.stop_reason,
      logprobs: generated.logprobs,
      usage: generated.usage,
    };
  }

  async *streamCompletion(
    request: CompletionRequest,
    options?: RequestOptions,
  ): AsyncIterable<CompletionResponseStreamChunk> {
    yield* this.#generateStream(textOf(request.content, 'content'), request, undefined, options);
  }

  async chatCompletion(
    request: ChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<ChatCompletionResponse> {
    const schema = forcedToolCallSchema(request);
    const generated = await this.#generate(toLlama3ChatPrompt(request), request, schema, options);
    const call = request.available_tools.length > 0 ? parseToolCall(generated.text, request) : undefined;
    return {
      content: call ? '' : generated.text,
      tool_calls: call ? [call] : [],
      stop_reason: generated.stop_reason,
      logprobs: generated.logprobs,
      usage: generated.usage,
    };
  }

  async *streamChatCompletion(
    request: ChatCompletionRequest,
    options?: RequestOptions,
  ): AsyncIterable<ChatCompletionResponseStreamChunk> {
    const schema = forcedToolCallSchema(request);
    let text = '';
    for await (const chunk of this.#generateStream(toLlama3ChatPrompt(request), request, schema, options)) {
      text += chunk.text_delta;
      if (chunk.stop_reason === undefined) {
        // A forced call is JSON, not text for the user: it is sent whole, as a tool call, at the end.
        if (!schema) yield chunk;
        continue;
      }
      const call = request.available_tools.length > 0 ? parseToolCall(text, request) : undefined;
      if (call) yield { text_delta: '', tool_call: call };
      yield chunk;
    }
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

  async tokenize(request: TokenizeRequest, options?: RequestOptions): Promise<TokenizeResponse> {
    const tokens = await this.#post(
      '/tokenize',
      { inputs: request.content },
      createJsonResponseHandler(UpstreamTgiTokens),
      options,
      false,
    );
    return { tokens: tokens.map(({ id, text }) => ({ id, text })) };
  }

  async modelInfo(): Promise<InferenceModelInfo> {
    const info = await this.info(this.#config.read_timeout_ms);
    return info.max_total_tokens ? { context_length: info.max_total_tokens } : {};
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  async #generate(
    inputs: string,
    request: CompletionRequest | ChatCompletionRequest,
    schema: Record<string, unknown> | undefined,
    options: RequestOptions | undefined,
  ): Promise<Generated> {
    const answer: UpstreamTgiGenerateResponse = await this.#post(
      '/generate',
      { inputs, parameters: toTgiParameters(request, { schema, streamed: false }) },
      createJsonResponseHandler(GenerateResponseSchema),
      options,
      false,
    );
    const details = answer.details;
    const generatedTokens = details?.tokens ?? [];
    return {
      text: answer.generated_text,
      stop_reason: fromTgiFinishReason(details?.finish_reason),
      logprobs: request.logprobs
        ? {
            content: generatedTokens.flatMap((token, index) =>
              token.special ? [] : [toTokenLogprob(token, details?.top_tokens?.[index] ?? [])],
            ),
          }
        : null,
      usage: details
        ? { prompt_tokens: details.prefill.length, completion_tokens: details.generated_tokens }
        : null,
    };
  }

  async *#generateStream(
    inputs: string,
    request: CompletionRequest | ChatCompletionRequest,
    schema: Record<string, unknown> | undefined,
    options: RequestOptions | undefined,
  ): AsyncIterable<CompletionResponseStreamChunk> {
    const events = await this.#post(
      '/generate_stream',
      { inputs, parameters: toTgiParameters(request, { schema, streamed: true }) },
      createEventSourceResponseHandler(UpstreamTgiStreamEvent),
      options,
      true,
    );
    for await (const event of events) {
      // The end-of-sequence token is special: its text (`</s>`) is not part of the answer.
      const text = event.token.special ? '' : event.token.text;
      const logprobs =
        request.logprobs && !event.token.special
          ? { content: [toTokenLogprob(event.token, event.top_tokens ?? [])] }
          : undefined;
      if (text || logprobs) yield { text_delta: text, ...(logprobs ? { logprobs } : {}) };
      if (event.details) {
        const usage =
          event.details.input_length === null || event.details.input_length === undefined
            ? null
            : {
                prompt_tokens: event.details.input_length,
                completion_tokens: event.details.generated_tokens,
              };
        yield { text_delta: '', stop_reason: fromTgiFinishReason(event.details.finish_reason), usage };
        return;
      }
    }
    yield { text_delta: '', stop_reason: 'not_stopped' };
  }

  #callOptions(signal: AbortSignal | undefined) {
    if (this.#disposed) throw new DisposedError('remote::tgi inference');
    return {
      headers: { authorization: this.#apiKey ? `Bearer ${this.#apiKey}` : undefined },
      failedResponseHandler,
      provider: this.#upstream,
      ...(signal ? { signal } : {}),
    };
  }

  async #post<Result>(
    path: string,
    body: unknown,
    successfulResponseHandler: ResponseHandler<Result>,
    options: RequestOptions | undefined,
    streamed: boolean,
  ): Promise<Result> {
    const { value } = await postJsonToApi({
      ...this.#callOptions(options?.signal),
      ...upstreamCallOptions(this.#config, { streamed }),
      url: `${this.#config.url}${path}`,
      body,
      successfulResponseHandler,
    });
    return value;
  }
}
