import {
  type ChatWrapper,
  getLlama,
  LlamaChat,
  LlamaCompletion,
  type LlamaContext,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
} from 'node-llama-cpp';
import type { LlamaCppSettings } from './llama-cpp-settings.js';
import type { StreamRun } from './stream-run.js';

/** How a raw generation samples; no repetition penalty, as the stack's requests ask for none. */
export interface RawSampling {
  temperature: number;
  /** 0 turns top-k off; left out, node-llama-cpp keeps its default (40). */
  topK?: number;
  topP?: number;
  seed?: number;
  repeatPenalty: false;
}

/** Greedy, no repetition penalty: what the stack's requests ask for, so both sides pick the same tokens. */
const greedy: RawSampling = { temperature: 0, repeatPenalty: false };

/**
 * node-llama-cpp driven directly, as a program without the stack would: one context with the
 * given settings, its sequences handed to requests as they come (a request waits when all are
 * busy), each request a `LlamaCompletion` or a `LlamaChat` on its sequence. A sequence keeps its
 * KV cache between requests, as the provider's do, so a repeated prompt is not evaluated again.
 */
export class RawLlamaCpp implements AsyncDisposable {
  readonly #model: LlamaModel;
  readonly #context: LlamaContext;
  readonly #chatWrapper: ChatWrapper;
  readonly #free: LlamaContextSequence[];
  readonly #waiting: ((sequence: LlamaContextSequence) => void)[] = [];

  private constructor(model: LlamaModel, context: LlamaContext, chatWrapper: ChatWrapper) {
    this.#model = model;
    this.#context = context;
    this.#chatWrapper = chatWrapper;
    this.#free = Array.from({ length: context.totalSequences }, () => context.getSequence());
  }

  static async open(settings: LlamaCppSettings): Promise<RawLlamaCpp> {
    const llama = await getLlama({
      gpu: settings.gpu,
      build: 'never',
      // 0: the context uses exactly the threads it asks for.
      maxThreads: 0,
      logLevel: LlamaLogLevel.error,
    });
    const model = await llama.loadModel({ modelPath: settings.modelPath, gpuLayers: settings.gpuLayers });
    const context = await model.createContext({
      contextSize: settings.contextSize,
      sequences: settings.sequences,
      batchSize: settings.batchSize,
      threads: settings.threads,
      flashAttention: settings.flashAttention,
    });
    const chatWrapper = resolveChatWrapper(model);
    if (chatWrapper.wrapperName !== settings.chatWrapper) {
      throw new Error(
        `node-llama-cpp picks chat wrapper ${chatWrapper.wrapperName} for ${settings.modelPath}, the stack ${settings.chatWrapper}.`,
      );
    }
    return new RawLlamaCpp(model, context, chatWrapper);
  }

  /** Completes a raw prompt, streamed token by token. */
  complete(prompt: string, maxTokens: number): Promise<StreamRun> {
    return this.#stream(async (sequence, onToken) => {
      using completion = new LlamaCompletion({ contextSequence: sequence });
      await completion.generateCompletion(prompt, { ...greedy, maxTokens, onToken });
    });
  }

  /**
   * Answers `prompt` as one user message through the model's chat template, streamed token by
   * token; greedy unless `sampling` says otherwise.
   */
  chat(prompt: string, maxTokens: number, sampling: RawSampling = greedy): Promise<StreamRun> {
    return this.#stream(async (sequence, onToken) => {
      using chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.#chatWrapper });
      await chat.generateResponse([{ type: 'user', text: prompt }], { ...sampling, maxTokens, onToken });
    });
  }

  async dispose(): Promise<void> {
    await this.#context.dispose();
    await this.#model.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async #stream(
    generate: (
      sequence: LlamaContextSequence,
      onToken: (tokens: readonly unknown[]) => void,
    ) => Promise<void>,
  ): Promise<StreamRun> {
    const started = performance.now();
    const sequence =
      this.#free.pop() ?? (await new Promise<LlamaContextSequence>((resolve) => this.#waiting.push(resolve)));
    let firstTokenMs = Number.NaN;
    let tokens = 0;
    try {
      await generate(sequence, (generated) => {
        if (tokens === 0) firstTokenMs = performance.now() - started;
        tokens += generated.length;
      });
    } finally {
      const next = this.#waiting.shift();
      if (next) next(sequence);
      else this.#free.push(sequence);
    }
    return { tokens, ms: performance.now() - started, firstTokenMs };
  }
}
