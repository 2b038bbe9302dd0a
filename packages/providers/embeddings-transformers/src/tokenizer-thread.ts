import { Worker } from 'node:worker_threads';

export interface TokenizerThreadOptions {
  /** The folder holding the model's `tokenizer.json` and `tokenizer_config.json`. */
  folder: string;
}

/** One int64 input of the encoder (`input_ids`, `attention_mask`…), [texts, tokens]. */
export interface EncoderInput {
  data: BigInt64Array;
  dims: [number, number];
}

/** What the thread is sent: texts to tokenize, padded to the longest and cut at `maxTokens`. */
export interface TokenizeMessage {
  id: number;
  texts: string[];
  maxTokens: number;
}

type TokenizeReply = { id: number; inputs: Record<string, EncoderInput> } | { id: number; error: string };

interface Pending {
  resolve(inputs: Record<string, EncoderInput>): void;
  reject(error: Error): void;
}

/**
 * A Hugging Face tokenizer on a worker thread of its own. onnxruntime-node runs the encoder on
 * the calling thread, so tokenizing there serialized the two; here the next batches tokenize while
 * the encoder runs the current one, and the event loop stays free meanwhile. The thread is
 * referenced only while a request waits on it: an idle model never keeps the process alive.
 */
export class TokenizerThread {
  /** The tokenizer's `model_max_length`, when its config names one. */
  readonly modelMaxLength: number | undefined;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failure: Error | undefined;
  #exited: Promise<void> | undefined;

  private constructor(worker: Worker, modelMaxLength: number | undefined) {
    this.#worker = worker;
    this.modelMaxLength = modelMaxLength;
    worker.on('message', (reply: TokenizeReply) => this.#settle(reply));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`the tokenizer thread exited with code ${code}`)));
    worker.unref();
  }

  /** Starts the thread and loads the tokenizer in it. */
  static async start(options: TokenizerThreadOptions): Promise<TokenizerThread> {
    const worker = new Worker(new URL('./tokenizer-worker.js', import.meta.url), { workerData: options });
    let onMessage!: (ready: { modelMaxLength?: number }) => void;
    let onError!: (error: Error) => void;
    let onExit!: (code: number) => void;
    try {
      const { modelMaxLength } = await new Promise<{ modelMaxLength?: number }>((resolve, reject) => {
        onMessage = resolve;
        onError = reject;
        onExit = (code) => reject(new Error(`the tokenizer thread exited with code ${code}`));
        worker.once('message', onMessage).once('error', onError).once('exit', onExit);
      });
      return new TokenizerThread(worker, modelMaxLength);
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      // Not removeAllListeners(): the Worker's own listeners start its message port.
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    }
  }

  /** The encoder inputs of `texts`, padded to the longest and truncated at `maxTokens` tokens. */
  tokenize(texts: string[], maxTokens: number): Promise<Record<string, EncoderInput>> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, texts, maxTokens } satisfies TokenizeMessage);
    });
  }

  /** Stops the thread; requests still waiting fail. Idempotent. */
  dispose(): Promise<void> {
    this.#exited ??= new Promise<void>((resolve) => {
      this.#fail(new Error('the tokenizer thread was disposed'));
      this.#worker.once('exit', () => resolve());
      this.#worker.ref();
      // The thread closes its port and ends (`terminate()` would stop it in the middle of a batch).
      this.#worker.postMessage('close');
    });
    return this.#exited;
  }

  #settle(reply: TokenizeReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if ('error' in reply) pending.reject(new Error(`tokenizing failed: ${reply.error}`));
    else pending.resolve(reply.inputs);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
    this.#worker.unref();
  }
}
