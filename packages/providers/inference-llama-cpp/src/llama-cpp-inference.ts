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
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type Inference,
  type InferenceModelInfo,
  type InferenceModelInfoRequest,
  InvalidRequestError,
  type LogprobsRequest,
  type Model,
  type ProviderLogger,
  type RequestOptions,
  type ResponseFormat,
  type StopReason,
  type TokenizeRequest,
  type TokenizeResponse,
  type TokenLogprob,
  type TokenUsage,
  type ToolCall,
} from '@llama-stack-ts/core';
import { contentToText, EventLoopSlices } from '@llama-stack-ts/provider-utils';
import {
  type ChatHistoryItem,
  type ChatModelFunctions,
  ChatModelFunctionsDocumentationGenerator,
  type GbnfJsonSchema,
  LlamaChat,
  type LlamaChatResponse,
  LlamaCompletion,
  type LlamaGrammar,
  type LlamaModel,
  LlamaText,
  SpecialTokensText,
  type Token,
} from 'node-llama-cpp';
import { AsyncChunkQueue } from './async-chunk-queue.js';
import { convertToLlamaCppChat } from './convert-to-llama-cpp-chat.js';
import {
  type InstrumentSequenceOptions,
  instrumentSequence,
  type SequenceInstrument,
} from './instrument-sequence.js';
import type { LlamaCppConfig } from './llama-cpp-config.js';
import type { LlamaCppModelPool, LoadedEmbedding, LoadedLlm, ModelLease } from './llama-cpp-model-pool.js';
import {
  endOfMessage,
  isLlama31ChatWrapper,
  llama31BuiltinSystemText,
  llama31BuiltinTools,
  parseLlama31BuiltinCall,
  pythonTag,
  renderLlama31BuiltinCall,
} from './llama31-builtin-tools.js';
import { type LlamaCppStopReason, mapLlamaCppStopReason } from './map-llama-cpp-stop-reason.js';
import { type LlamaCppSamplingOptions, mapSamplingParams } from './map-sampling-params.js';
import { checkPromptCharacters, plainTextLength } from './prompt-character-bound.js';
import { answeredAffinityKey, messagesAffinityKey } from './sequence-affinity.js';
import { toGbnfJsonSchema } from './to-gbnf-json-schema.js';
import { forcedToolCallSchema, toolsToLlamaCppFunctions } from './tools-to-llama-cpp-functions.js';

export interface LlamaCppInferenceOptions {
  config: LlamaCppConfig;
  logger: ProviderLogger;
  pool: LlamaCppModelPool;
}

/** What one generation produced, before it is shaped into a response or a last stream chunk. */
interface GenerationResult {
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: TokenUsage;
  /** Log probabilities not yet sent in a stream chunk (all of them for a plain response). */
  logprobs: TokenLogprob[] | undefined;
}

/** Called with each piece of text (and its tokens' log probabilities) or tool call as it is generated. */
type ChunkListener = (chunk: { text: string; logprobs?: TokenLogprob[]; toolCall?: ToolCall }) => void;

type ChatRequest = Omit<ChatCompletionRequest, 'stream'>;

type CompletionLikeRequest = Omit<CompletionRequest, 'stream'>;

/**
 * The Inference API on node-llama-cpp: completion and chat (streamed or not) on GGUF models through
 * each model's own chat template, tool calls with grammar-constrained arguments, structured output,
 * log probabilities, batches and embeddings. Concurrent requests to one model share its context's
 * sequences (see `LlamaCppModelPool`).
 */
export class LlamaCppInference implements Inference, AsyncDisposable {
  readonly #pool: LlamaCppModelPool;
  readonly #logger: ProviderLogger;
  #disposed = false;

  constructor(options: LlamaCppInferenceOptions) {
    this.#pool = options.pool;
    this.#logger = options.logger;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** The models this provider serves, for health and load figures (`stats(id)`). */
  get modelPool(): LlamaCppModelPool {
    return this.#pool;
  }

  /** Registers (and, with `preload`, loads) a model. */
  async addModel(model: Model): Promise<void> {
    this.#ensureNotDisposed();
    await this.#pool.add(model);
  }

  async completion(request: CompletionRequest, options: RequestOptions = {}): Promise<CompletionResponse> {
    const result = await this.#generateCompletion(request, options.signal);
    return { content: result.text, ...generationOutcome(result) };
  }

  streamCompletion(
    request: CompletionRequest,
    options: RequestOptions = {},
  ): AsyncIterable<CompletionResponseStreamChunk> {
    return this.#stream(options.signal, (signal, onChunk) =>
      this.#generateCompletion(request, signal, onChunk),
    );
  }

  async chatCompletion(
    request: ChatCompletionRequest,
    options: RequestOptions = {},
  ): Promise<ChatCompletionResponse> {
    const result = await this.#generateChat(request, options.signal);
    return { content: result.text, tool_calls: result.toolCalls, ...generationOutcome(result) };
  }

  streamChatCompletion(
    request: ChatCompletionRequest,
    options: RequestOptions = {},
  ): AsyncIterable<ChatCompletionResponseStreamChunk> {
    return this.#stream(options.signal, (signal, onChunk) => this.#generateChat(request, signal, onChunk));
  }

  async batchCompletion(
    request: BatchCompletionRequest,
    options: RequestOptions = {},
  ): Promise<BatchCompletionResponse> {
    const { content_batch, ...shared } = request;
    return this.#runBatch(request.model, content_batch, options.signal, (content, signal) =>
      this.completion({ ...shared, content, stream: false }, { signal }),
    );
  }

  async batchChatCompletion(
    request: BatchChatCompletionRequest,
    options: RequestOptions = {},
  ): Promise<BatchChatCompletionResponse> {
    const { batch_messages, ...shared } = request;
    return this.#runBatch(request.model, batch_messages, options.signal, (messages, signal) =>
      this.chatCompletion({ ...shared, messages, stream: false }, { signal }),
    );
  }

  async embeddings(request: EmbeddingsRequest, options: RequestOptions = {}): Promise<EmbeddingsResponse> {
    this.#ensureNotDisposed();
    const resolved = this.#pool.get(request.model);
    if (resolved.kind !== 'embedding') {
      throw new InvalidRequestError(
        'model',
        `'${request.model}' is a text-generation model; embeddings need a model registered with model_type: embedding.`,
      );
    }
    using lease = (await this.#pool.lease(request.model, options.signal)) as ModelLease<LoadedEmbedding>;
    const embeddings: number[][] = [];
    let promptTokens = 0;
    const limit = lease.loaded.context.model.trainContextSize;
    for (const [index, content] of request.contents.entries()) {
      options.signal?.throwIfAborted();
      const text = contentToText(content);
      checkPromptCharacters({
        field: `contents.${index}`,
        chars: text.length,
        mostTokens: limit,
        longestTokenChars: lease.loaded.longestTokenChars,
        limit: `model '${request.model}' embeds at most ${limit} tokens`,
        advice: 'Split the text.',
      });
      const tokens = lease.loaded.model.tokenize(text);
      if (tokens.length > limit) {
        throw new InvalidRequestError(
          `contents.${index}`,
          `is ${tokens.length} tokens; model '${request.model}' embeds at most ${limit}.`,
        );
      }
      promptTokens += tokens.length;
      const embedding = await lease.loaded.context.getEmbeddingFor(tokens);
      embeddings.push([...embedding.vector]);
    }
    return { embeddings, usage: { prompt_tokens: promptTokens, completion_tokens: 0 } };
  }

  async tokenize(request: TokenizeRequest, options: RequestOptions = {}): Promise<TokenizeResponse> {
    this.#ensureNotDisposed();
    using lease = await this.#pool.lease(request.model, options.signal);
    const { model, longestTokenChars } = lease.loaded;
    const contextSize =
      lease.loaded.kind === 'llm' ? lease.loaded.context.contextSize : model.trainContextSize;
    checkPromptCharacters({
      field: 'content',
      chars: request.content.length,
      mostTokens: contextSize,
      longestTokenChars,
      limit: `model '${request.model}' reads at most ${contextSize} tokens (context_size)`,
      advice: 'Tokenize a shorter text, one the model can read.',
    });
    const tokens = promptTokens(model, request.content);
    const described: TokenizeResponse['tokens'] = [];
    // Decoding is a native call per token: other requests go on between slices of a long text.
    const slices = new EventLoopSlices();
    for (const [index, id] of tokens.entries()) {
      if (slices.due()) await slices.next(options.signal);
      described.push({
        id,
        // With the tokens before it, a token decodes as it reads in the text (SentencePiece's leading space).
        text: model.detokenize([id], true, tokens.slice(Math.max(0, index - 4), index)),
        special: model.isSpecialToken(id),
      });
    }
    return { tokens: described };
  }

  async modelInfo(request: InferenceModelInfoRequest): Promise<InferenceModelInfo> {
    this.#ensureNotDisposed();
    using lease = await this.#pool.lease(request.model);
    if (lease.loaded.kind !== 'llm') return { context_length: lease.loaded.model.trainContextSize };
    return {
      context_length: lease.loaded.context.contextSize,
      parallel_sequences: this.#pool.get(request.model).settings.parallel_sequences,
    };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#pool.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  // -------------------------------------------------------------------------------------------
  // Completion
  // -------------------------------------------------------------------------------------------

  async #generateCompletion(
    request: CompletionLikeRequest,
    signal: AbortSignal | undefined,
    onChunk?: ChunkListener,
  ): Promise<GenerationResult> {
    this.#ensureNotDisposed();
    this.#checkTextModel(request.model);
    const sampling = mapSamplingParams(request.sampling_params);
    checkLogprobsWithGrammar(request.logprobs, sampling, request.response_format !== undefined, false);
    using lease = (await this.#pool.lease(request.model, signal)) as ModelLease<LoadedLlm>;
    const { model, context } = lease.loaded;
    const text = contentToText(request.content);
    checkPromptCharacters({
      field: 'content',
      chars: text.length,
      mostTokens: context.contextSize - 1,
      longestTokenChars: lease.loaded.longestTokenChars,
      limit: `model '${request.model}' holds ${context.contextSize} tokens (context_size), prompt and output together`,
      advice: 'Shorten the prompt or raise context_size.',
    });
    const prompt = promptTokens(model, text);
    const promptLength = prompt.length;
    if (promptLength >= context.contextSize) {
      throw new InvalidRequestError(
        'content',
        `the prompt is ${promptLength} tokens; model '${request.model}' holds ${context.contextSize} (context_size), prompt and output together. Shorten the prompt or raise context_size.`,
      );
    }
    const grammar = await this.#grammar(model, request.response_format);
    using instrument = this.#instrument(lease, sampling, request.logprobs);
    using completion = new LlamaCompletion({ contextSequence: lease.sequence });
    // LlamaCompletion reads its answer's first token as the start of a text, which drops
    // SentencePiece's leading space; after the prompt the space is part of the answer ("Lily and
    // Tom" + " were"), as TGI and OpenAI servers send it, and as the log probabilities read it.
    let lead: string | undefined;
    const leadOf = () =>
      (lead ??=
        instrument.firstToken === undefined ? '' : textLostAtStart(model, instrument.firstToken, prompt));
    const response = await completion.generateCompletionWithMeta(text, {
      ...sampling,
      signal,
      ...(request.max_tokens > 0 ? { maxTokens: request.max_tokens } : {}),
      // Stop at the end of the context instead of forgetting the prompt's beginning.
      disableContextShift: true,
      ...(grammar ? { grammar } : {}),
      ...(request.stop?.length ? { customStopTriggers: request.stop } : {}),
      onTextChunk: onChunk
        ? (chunk) =>
            onChunk({
              // The lead goes before the first chunk only: later ones find it already read.
              text: (lead === undefined ? leadOf() : '') + chunk,
              logprobs: takeLogprobs(instrument),
            })
        : undefined,
    });
    return {
      text: response.response === '' ? '' : leadOf() + response.response,
      toolCalls: [],
      stopReason: mapLlamaCppStopReason(response.metadata.stopReason),
      usage: { prompt_tokens: promptLength, completion_tokens: instrument.generatedTokens },
      logprobs: request.logprobs
        ? onChunk
          ? instrument.takeLogprobs()
          : [...instrument.logprobs]
        : undefined,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Chat
  // -------------------------------------------------------------------------------------------

  async #generateChat(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    onChunk?: ChunkListener,
  ): Promise<GenerationResult> {
    this.#ensureNotDisposed();
    this.#checkTextModel(request.model);
    const sampling = mapSamplingParams(request.sampling_params);
    const toolsOffered = request.available_tools.length > 0 && request.tool_choice !== 'none';
    const forcedTool =
      !toolsOffered || request.tool_choice === 'auto'
        ? undefined
        : { only: typeof request.tool_choice === 'object' ? request.tool_choice.tool_name : undefined };
    if (request.response_format && toolsOffered && !forcedTool) {
      throw new InvalidRequestError(
        'response_format',
        "cannot be combined with available_tools when tool_choice is 'auto': the output is either free text with tool calls or the given format. Set tool_choice to 'none', 'required' or a tool name.",
      );
    }
    checkLogprobsWithGrammar(request.logprobs, sampling, request.response_format !== undefined, toolsOffered);

    // Tools change the prompt the template renders (their documentation, forced-call instructions)
    // where the messages do not show it: such a chat continues no sequence and leaves none to continue.
    const affinityKey = toolsOffered ? undefined : messagesAffinityKey(request.messages);
    using lease = (await this.#pool.lease(request.model, signal, affinityKey)) as ModelLease<LoadedLlm>;
    const { model, context, chatWrapper } = lease.loaded;
    // Llama 3.1 calls web_search, math and code_interpreter in its own builtin syntax; other tools (and
    // every tool on other templates) go through node-llama-cpp's JSON function calling.
    const llama31 = isLlama31ChatWrapper(chatWrapper);
    const builtins =
      llama31 && toolsOffered && !forcedTool ? llama31BuiltinTools(request.available_tools) : [];
    let history = convertToLlamaCppChat(
      request.messages,
      llama31 ? { renderRawCall: renderLlama31BuiltinCall } : {},
    );
    if (builtins.length > 0) history = withSystemText(history, llama31BuiltinSystemText(builtins), 'start');
    const functionTools = request.available_tools.filter((tool) => !builtins.includes(tool));
    const tools =
      toolsOffered && functionTools.length > 0 ? toolsToLlamaCppFunctions(functionTools) : undefined;
    if (tools?.ignored.length)
      this.#logger.warn('tool parameter keywords not enforced by the grammar', { ignored: tools.ignored });
    const pythonTagToken = builtins.length > 0 ? singleToken(model, pythonTag) : undefined;
    const startsBuiltinCall = (instrument: SequenceInstrument) =>
      pythonTagToken !== undefined && instrument.firstToken === pythonTagToken;

    let grammar: LlamaGrammar | undefined;
    let functions: ChatModelFunctions | undefined;
    if (forcedTool) {
      const forced = forcedToolCallSchema(request.available_tools, forcedTool.only);
      history = withForcedToolInstructions(history, forced.functions, forcedTool.only);
      grammar = await createJsonSchemaGrammar(model, forced.schema);
    } else {
      grammar = await this.#grammar(model, request.response_format);
      functions = tools?.functions;
    }

    // Count the prompt as the template renders it, to stop at the end of the context (max_tokens 0)
    // rather than let node-llama-cpp shift the conversation out of it.
    const rendered = chatWrapper.generateContextState({
      chatHistory: history.at(-1)?.type === 'model' ? history : [...history, { type: 'model', response: [] }],
      availableFunctions: functions,
      documentFunctionParams: true,
    });
    checkPromptCharacters({
      field: 'messages',
      chars: plainTextLength(rendered.contextText),
      mostTokens: context.contextSize - 1,
      longestTokenChars: lease.loaded.longestTokenChars,
      limit: `model '${request.model}' holds ${context.contextSize} tokens (context_size), conversation and answer together`,
      advice: 'Drop early messages or raise context_size.',
    });
    const promptLength = rendered.contextText.tokenize(model.tokenizer).length;
    const room = context.contextSize - promptLength;
    if (room < 1) {
      throw new InvalidRequestError(
        'messages',
        `the conversation is ${promptLength} tokens as the chat template renders it; model '${request.model}' holds ${context.contextSize} (context_size). Drop early messages or raise context_size.`,
      );
    }
    const maxTokens = request.max_tokens > 0 ? Math.min(request.max_tokens, room) : room;

    using instrument = this.#instrument(lease, sampling, request.logprobs, { startsText: true });
    using chat = new LlamaChat({ contextSequence: lease.sequence, chatWrapper });
    const stopTriggers: (string | LlamaText)[] = [...(request.stop ?? [])];
    if (builtins.length > 0) stopTriggers.push(LlamaText(new SpecialTokensText(endOfMessage)));
    const common = {
      ...sampling,
      signal,
      maxTokens,
      ...(stopTriggers.length > 0 ? { customStopTriggers: stopTriggers } : {}),
      // Forced and builtin tool calls are sent whole at the end; their text is not part of the answer.
      onTextChunk:
        onChunk && !forcedTool
          ? (text: string) => {
              if (!startsBuiltinCall(instrument)) onChunk({ text, logprobs: takeLogprobs(instrument) });
            }
          : undefined,
    };
    let response: LlamaChatResponse<ChatModelFunctions>;
    if (functions) {
      response = await chat.generateResponse(history, {
        ...common,
        functions,
        documentFunctionParams: true,
        onFunctionCall: onChunk
          ? (call) =>
              onChunk({
                text: '',
                toolCall: { tool_name: call.functionName, arguments: asArguments(call.params) },
              })
          : undefined,
      });
    } else {
      response = await chat.generateResponse(history, { ...common, ...(grammar ? { grammar } : {}) });
    }
    if (affinityKey !== undefined) lease.holds(answeredAffinityKey(affinityKey, response.response));

    let text = response.response;
    let toolCalls: ToolCall[] = (response.functionCalls ?? []).map((call) => ({
      tool_name: call.functionName,
      arguments: asArguments(call.params),
    }));
    let stopReason = mapLlamaCppStopReason(response.metadata.stopReason as LlamaCppStopReason);
    if (startsBuiltinCall(instrument)) {
      const call = parseLlama31BuiltinCall(text.replace(pythonTag, ''), builtins);
      if (call) {
        toolCalls = [call, ...toolCalls];
        text = '';
        stopReason = 'finished_ok';
        onChunk?.({ text: '', toolCall: call });
      } else {
        onChunk?.({ text });
      }
    }
    if (forcedTool && grammar) {
      const call = parseForcedToolCall(grammar, text);
      if (call) {
        toolCalls = [call];
        text = '';
        stopReason = 'finished_ok';
        onChunk?.({ text: '', toolCall: call });
      } else {
        // Only when max_tokens cut the call short: say so, and hand back what was generated.
        stopReason = 'max_tokens';
        onChunk?.({ text });
      }
    }
    return {
      text,
      toolCalls,
      stopReason,
      usage: { prompt_tokens: promptLength, completion_tokens: instrument.generatedTokens },
      logprobs: request.logprobs
        ? onChunk
          ? instrument.takeLogprobs()
          : [...instrument.logprobs]
        : undefined,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Shared
  // -------------------------------------------------------------------------------------------

  /**
   * Runs `generate` behind an `AsyncIterable`: pieces stream out as they come, then the last chunk
   * (with `stop_reason`). A consumer that stops reading, or `signal`, aborts the generation.
   */
  #stream(
    signal: AbortSignal | undefined,
    generate: (signal: AbortSignal, onChunk: ChunkListener) => Promise<GenerationResult>,
  ): AsyncIterable<ChatCompletionResponseStreamChunk> {
    this.#ensureNotDisposed();
    const queue = new AsyncChunkQueue<ChatCompletionResponseStreamChunk>();
    const combined = signal ? AbortSignal.any([signal, queue.signal]) : queue.signal;
    generate(combined, (chunk) => queue.push(pieceChunk(chunk))).then(
      (result) => {
        queue.push(lastChunk(result));
        queue.end();
      },
      (error: unknown) => queue.fail(error),
    );
    return queue;
  }

  async #runBatch<Item, Result>(
    modelId: string,
    items: readonly Item[],
    signal: AbortSignal | undefined,
    run: (item: Item, signal: AbortSignal | undefined) => Promise<Result>,
  ): Promise<Result[]> {
    this.#ensureNotDisposed();
    // As many workers as the model has sequences: the batch fills the context's parallel slots
    // without queueing more requests than one client should.
    const workers = Math.max(1, Math.min(items.length, this.#pool.get(modelId).settings.parallel_sequences));
    const results = new Array<Result>(items.length);
    const failure = new AbortController();
    const batchSignal = signal ? AbortSignal.any([signal, failure.signal]) : failure.signal;
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index] as Item, batchSignal);
      }
    };
    try {
      await Promise.all(Array.from({ length: workers }, worker));
    } catch (error) {
      failure.abort(error);
      throw error;
    }
    return results;
  }

  #instrument(
    lease: ModelLease<LoadedLlm>,
    sampling: LlamaCppSamplingOptions,
    logprobs: LogprobsRequest,
    { startsText = false }: Pick<InstrumentSequenceOptions, 'startsText'> = {},
  ): SequenceInstrument {
    return instrumentSequence(lease.sequence, {
      model: lease.loaded.model,
      sampling,
      logprobs: logprobs ? { topK: logprobs.top_k } : false,
      startsText,
    });
  }

  async #grammar(model: LlamaModel, format: ResponseFormat | undefined): Promise<LlamaGrammar | undefined> {
    if (!format) return undefined;
    if (format.type === 'json_schema') {
      const { schema, ignored } = toGbnfJsonSchema(format.json_schema);
      if (ignored.length > 0)
        this.#logger.warn('response_format keywords not enforced by the grammar', { ignored });
      try {
        return await createJsonSchemaGrammar(model, schema);
      } catch (error) {
        throw new InvalidRequestError(
          'response_format.json_schema',
          `cannot be turned into a grammar: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
    try {
      return await model.llama.createGrammar({ grammar: format.bnf });
    } catch (error) {
      throw new InvalidRequestError(
        'response_format.bnf',
        `is not a valid GBNF grammar: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  #checkTextModel(modelId: string): void {
    if (this.#pool.get(modelId).kind === 'embedding') {
      throw new InvalidRequestError(
        'model',
        `'${modelId}' is an embedding model (model_type: embedding); use /inference/embeddings, or a model registered with model_type: llm.`,
      );
    }
  }

  #ensureNotDisposed(): void {
    if (this.#disposed) throw new DisposedError('The llama.cpp inference provider');
  }
}

/** The tokens a raw prompt becomes, with the beginning-of-sequence token the model expects. */
function promptTokens(model: LlamaModel, text: string): Token[] {
  const bos = model.tokens.bos;
  const prependBos = model.tokens.shouldPrependBosToken && bos !== null;
  const tokens = model.tokenize(text, false, prependBos ? 'trimLeadingSpace' : undefined);
  return prependBos ? [bos, ...tokens] : tokens;
}

/** What `token` reads as after `before` and not alone: SentencePiece's leading space, if any. */
function textLostAtStart(model: LlamaModel, token: Token, before: readonly Token[]): string {
  const alone = model.detokenize([token]);
  const after = model.detokenize([token], false, before.slice(-4));
  return after.endsWith(alone) ? after.slice(0, after.length - alone.length) : '';
}

/**
 * Log probabilities with a temperature above 0 are drawn by the provider's own sampler (see
 * instrument-sequence.ts), which cannot drive a llama.cpp grammar; refuse the combination clearly.
 */
function checkLogprobsWithGrammar(
  logprobs: LogprobsRequest,
  sampling: LlamaCppSamplingOptions,
  responseFormat: boolean,
  tools: boolean,
): void {
  if (!logprobs || sampling.temperature === 0 || (!responseFormat && !tools)) return;
  throw new InvalidRequestError(
    'logprobs',
    `with ${responseFormat ? 'response_format' : 'available_tools'}, log probabilities need greedy sampling (strategy greedy or temperature 0): the grammar that constrains the output and the sampler that reports probabilities cannot both draw the token.`,
  );
}

function takeLogprobs(instrument: SequenceInstrument): TokenLogprob[] | undefined {
  const taken = instrument.takeLogprobs();
  return taken.length > 0 ? taken : undefined;
}

/** What a response and a stream's last chunk both carry: why generation stopped, its log probabilities and usage. */
function generationOutcome(result: GenerationResult) {
  return { stop_reason: result.stopReason, logprobs: wrapLogprobs(result.logprobs), usage: result.usage };
}

/** A stream chunk for a piece of generated text or a tool call (chat only). */
function pieceChunk(chunk: Parameters<ChunkListener>[0]): ChatCompletionResponseStreamChunk {
  return {
    text_delta: chunk.text,
    ...(chunk.toolCall ? { tool_call: chunk.toolCall } : {}),
    logprobs: wrapLogprobs(chunk.logprobs),
  };
}

/** A stream's last chunk: no new text, only the outcome. */
function lastChunk(result: GenerationResult) {
  return { text_delta: '', ...generationOutcome(result) };
}

function wrapLogprobs(logprobs: TokenLogprob[] | undefined): { content: TokenLogprob[] } | undefined {
  return logprobs ? { content: logprobs } : undefined;
}

function asArguments(params: unknown): Record<string, unknown> {
  return typeof params === 'object' && params !== null && !Array.isArray(params)
    ? (params as Record<string, unknown>)
    : {};
}

function withForcedToolInstructions(
  history: ChatHistoryItem[],
  functions: ChatModelFunctions,
  only: string | undefined,
): ChatHistoryItem[] {
  const signatures = new ChatModelFunctionsDocumentationGenerator(functions).getTypeScriptFunctionSignatures({
    documentParams: true,
  });
  const instruction =
    `${only ? `Call the tool ${only} now.` : 'Call one of these tools now.'} Reply with only a JSON object ` +
    `{"tool_name": <the tool>, "arguments": <its parameters>}.\nTools:\n\`\`\`typescript\n${signatures}\n\`\`\``;
  return withSystemText(history, instruction, 'end');
}

/** Adds `text` to the conversation's first system message (at its start or end), or as a new first one. */
function withSystemText(history: ChatHistoryItem[], text: string, where: 'start' | 'end'): ChatHistoryItem[] {
  const [first, ...rest] = history;
  if (first?.type === 'system' && typeof first.text === 'string') {
    return [
      { type: 'system', text: where === 'start' ? `${text}\n\n${first.text}` : `${first.text}\n\n${text}` },
      ...rest,
    ];
  }
  return [{ type: 'system', text }, ...history];
}

/** The id of a special token when the model's vocabulary has it as one token. */
function singleToken(model: LlamaModel, text: string): Token | undefined {
  const tokens = model.tokenize(text, true);
  return tokens.length === 1 ? tokens[0] : undefined;
}

/** A grammar that parses what it generated. */
type JsonSchemaGrammar = LlamaGrammar & { parse(json: string): unknown };

function createJsonSchemaGrammar(model: LlamaModel, schema: GbnfJsonSchema): Promise<JsonSchemaGrammar> {
  // node-llama-cpp types the schema argument for literal schemas (to infer the parsed type); ours is built at run time.
  const create = model.llama.createGrammarForJsonSchema.bind(model.llama) as (
    schema: GbnfJsonSchema,
  ) => Promise<JsonSchemaGrammar>;
  return create(schema);
}

function parseForcedToolCall(grammar: LlamaGrammar, text: string): ToolCall | undefined {
  try {
    const parsed = (grammar as JsonSchemaGrammar).parse(text) as {
      tool_name?: unknown;
      arguments?: unknown;
    };
    if (typeof parsed?.tool_name !== 'string') return undefined;
    return { tool_name: parsed.tool_name, arguments: asArguments(parsed.arguments) };
  } catch {
    return undefined;
  }
}
