import { stat } from 'node:fs/promises';
import { DisposedError, type Model, NotFoundError, type ProviderLogger } from '@llama-stack-ts/core';
import {
  type DownloadFileResult,
  downloadHubModelFile,
  formatHubFileReference,
  type HubFileReference,
  type ProgressStream,
  resolveModelCacheDir,
} from '@llama-stack-ts/provider-utils/models';
import {
  type ChatWrapper,
  getLlama,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  LlamaLogLevel,
  type LlamaModel,
  type ResolveChatWrapperWithModelOptions,
  resolvableChatWrapperTypeNames,
  resolveChatWrapper,
} from 'node-llama-cpp';
import { resolveThreadCount } from './default-thread-count.js';
import { InvalidModelSettingsError } from './errors/invalid-model-settings-error.js';
import { ModelDownloadFailedError, ModelDownloadingError } from './errors/model-downloading-error.js';
import { ModelFileNotFoundError } from './errors/model-file-not-found-error.js';
import { ModelLoadError } from './errors/model-load-error.js';
import { fullBatchStrategy } from './full-batch-strategy.js';
import type { FlashAttentionSetting, GpuSetting, LlamaCppConfig } from './llama-cpp-config.js';
import { longestTokenChars } from './prompt-character-bound.js';
import {
  llamaCppModelDir,
  type ResolvedLlamaCppModel,
  resolveLlamaCppModel,
} from './resolve-llama-cpp-model.js';
import { FreeSequences } from './sequence-affinity.js';
import { SequenceLeaseQueue } from './sequence-lease-queue.js';

/** A text-generation model in memory: its context, whose sequences requests lease. */
export interface LoadedLlm {
  kind: 'llm';
  model: LlamaModel;
  /** Key of `model` among the pool's shared GGUF loads. */
  modelKey: string;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  /** Threads the context evaluates with. */
  threads: number;
  /** The most characters one token reads (see `longestTokenChars`): bounds prompts before tokenizing. */
  longestTokenChars: number;
  /** Sequences no request holds; a sequence keeps its KV cache, so a request continuing it reuses its prefix. */
  freeSequences: FreeSequences;
}

/** An embedding model in memory. */
export interface LoadedEmbedding {
  kind: 'embedding';
  model: LlamaModel;
  /** Key of `model` among the pool's shared GGUF loads. */
  modelKey: string;
  context: LlamaEmbeddingContext;
  threads: number;
  /** The most characters one token reads (see `longestTokenChars`): bounds texts before tokenizing. */
  longestTokenChars: number;
}

export type LoadedModel = LoadedLlm | LoadedEmbedding;

/** A request's hold on a model: a loaded model and, for a text model, one sequence of its context. */
export interface ModelLease<Loaded extends LoadedModel = LoadedModel> extends Disposable {
  model: ResolvedLlamaCppModel;
  loaded: Loaded;
  /** The sequence this request generates on (text models). */
  sequence: Loaded extends LoadedLlm ? LlamaContextSequence : undefined;
  /**
   * Records what the sequence holds once this request ends (`answeredAffinityKey`), so that a
   * request continuing it gets it back; unrecorded, the sequence counts as holding nothing.
   */
  holds(affinityKey: string): void;
  /** Gives the sequence back and frees the slot for the next request. Idempotent. */
  release(): void;
}

/** A background download of an `hf:` model's file. */
interface PendingDownload {
  state: 'downloading' | 'failed';
  loaded: number;
  total: number | undefined;
  error?: unknown;
  abort: AbortController;
  done: Promise<void>;
}

/** A GGUF in memory, shared by the models that run it (a base model and fine-tunes of it as LoRA adapters). */
interface SharedModel {
  loading: Promise<LlamaModel>;
  users: number;
}

interface PoolEntry {
  model: ResolvedLlamaCppModel;
  queue: SequenceLeaseQueue;
  loading: Promise<LoadedModel> | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  download: PendingDownload | undefined;
}

export interface LlamaCppModelPoolOptions {
  config: LlamaCppConfig;
  logger: ProviderLogger;
  /** Where relative paths resolve: the manifest's directory. Default: the working directory. */
  baseDir?: string | undefined;
  /** Where the download progress bar goes; default `process.stderr`. */
  progressStream?: ProgressStream | undefined;
  /** Injected in tests; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch | undefined;
}

const llamaLogLevels: Record<LlamaCppConfig['log_level'], LlamaLogLevel> = {
  error: LlamaLogLevel.error,
  warn: LlamaLogLevel.warn,
  info: LlamaLogLevel.info,
  debug: LlamaLogLevel.debug,
};

/**
 * The models of one provider instance. Each model is loaded at start (`preload`, the default) or on
 * its first request, and unloaded after `idle_unload_seconds` without requests when set. A text
 * model gets one context with `parallel_sequences` sequences; requests lease a sequence each through
 * a bounded queue (`max_queue`), so concurrent requests share the context's batches (continuous
 * batching) and an overflow fails fast with `OverloadedError`. One `Llama` binding is created per
 * GPU setting in use (`auto`, `cpu`, a backend) and shared by the models that ask for it.
 */
export class LlamaCppModelPool implements AsyncDisposable {
  readonly #config: LlamaCppConfig;
  readonly #logger: ProviderLogger;
  readonly #entries = new Map<string, PoolEntry>();
  readonly #llamas = new Map<GpuSetting, Promise<Llama>>();
  /** By `sharedModelKey`: each context of the same GGUF with the same GPU settings uses one load. */
  readonly #sharedModels = new Map<string, SharedModel>();
  readonly #baseDir: string;
  readonly #cacheDir: string;
  readonly #progressStream: ProgressStream | undefined;
  readonly #fetch: typeof globalThis.fetch | undefined;
  #disposed = false;

  constructor(options: LlamaCppModelPoolOptions) {
    this.#config = options.config;
    this.#logger = options.logger;
    this.#baseDir = options.baseDir ?? process.cwd();
    this.#cacheDir = resolveModelCacheDir(options.config.model_cache_dir);
    this.#progressStream = options.progressStream;
    this.#fetch = options.fetch;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** The registered model ids. */
  get modelIds(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Registers a model: checks its settings and that its file exists, then loads it when `preload`.
   * An `hf:` model missing from the model cache is downloaded in the background instead (when
   * `allow_remote_models`): `add` returns at once, requests get `ModelDownloadingError` (503) until
   * the file is complete, and the model loads then (with `preload`). Registering an id again
   * replaces the previous registration once it is unloaded.
   */
  async add(model: Model): Promise<ResolvedLlamaCppModel> {
    this.#ensureNotDisposed();
    const resolved = resolveLlamaCppModel(model, this.#config, {
      baseDir: this.#baseDir,
      cacheDir: this.#cacheDir,
    });
    const file = resolved.path ? await stat(resolved.path).catch(() => undefined) : undefined;
    const download = !file?.isFile() && resolved.hub && this.#config.allow_remote_models;
    if (!file?.isFile() && !download) {
      throw new ModelFileNotFoundError({
        modelId: resolved.id,
        source: resolved.source,
        path: resolved.path || `${this.#cacheDir} (allow_remote_models is false)`,
        modelDir: llamaCppModelDir(this.#config, this.#baseDir),
      });
    }
    for (const [index, adapter] of resolved.loraAdapters.entries()) {
      if (!(await stat(adapter.path).catch(() => undefined))?.isFile()) {
        throw new InvalidModelSettingsError({
          modelId: resolved.id,
          field: `lora_adapters.${index}.path`,
          reason: `no LoRA adapter GGUF at ${adapter.path}; a relative path resolves against model_dir (${llamaCppModelDir(this.#config, this.#baseDir)}).`,
        });
      }
    }
    const previous = this.#entries.get(resolved.id);
    if (previous) {
      previous.download?.abort.abort();
      await this.#unload(previous, 'replaced');
    }
    const { settings } = resolved;
    const entry: PoolEntry = {
      model: resolved,
      // An embedding context serves one call at a time; a text context serves parallel_sequences.
      queue: new SequenceLeaseQueue({
        slots: resolved.kind === 'embedding' ? 1 : settings.parallel_sequences,
        maxWaiting: settings.max_queue,
        name: resolved.id,
      }),
      loading: undefined,
      idleTimer: undefined,
      download: undefined,
    };
    entry.queue.onIdle = () => this.#scheduleIdleUnload(entry);
    this.#entries.set(resolved.id, entry);
    if (download && resolved.hub) {
      entry.download = this.#startDownload(entry, resolved.hub);
      return resolved;
    }
    if (settings.preload && this.#config.wait_for_preload) {
      await this.#load(entry);
      this.#scheduleIdleUnload(entry);
    } else if (settings.preload) {
      void this.#preloadInBackground(entry);
    }
    return resolved;
  }

  /** The resolved model registered under `id`, or a `NotFoundError` naming the ids this provider serves. */
  get(id: string): ResolvedLlamaCppModel {
    return this.#entry(id).model;
  }

  /** Resolves when the model's background download has ended (at once when there is none). */
  async downloaded(id: string): Promise<void> {
    await this.#entry(id).download?.done;
  }

  /** Whether the model is in memory now. */
  isLoaded(id: string): boolean {
    return this.#entry(id).loading !== undefined;
  }

  /** How busy a model is now: requests generating, requests waiting, whether it is in memory. */
  stats(id: string): { active: number; waiting: number; loaded: boolean } {
    const entry = this.#entry(id);
    return { active: entry.queue.held, waiting: entry.queue.waiting, loaded: entry.loading !== undefined };
  }

  /**
   * Waits for a free slot of the model (or fails at once with `OverloadedError` when its queue is
   * full), loads the model if it is not in memory, and hands out a sequence. Abort `signal` to leave
   * the queue. `affinityKey` (`messagesAffinityKey`) picks the free sequence whose cache holds the
   * longest start of the prompt. The lease must be released (`release()` or `using`) when the
   * request ends.
   */
  async lease(id: string, signal?: AbortSignal, affinityKey?: string): Promise<ModelLease> {
    this.#ensureNotDisposed();
    const entry = this.#entry(id);
    this.#ensureDownloaded(entry);
    const releaseSlot = await entry.queue.acquire(signal);
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = undefined;
    }
    let loaded: LoadedModel;
    try {
      loaded = await this.#load(entry);
      signal?.throwIfAborted();
    } catch (error) {
      releaseSlot();
      throw error;
    }
    const sequence =
      loaded.kind === 'llm'
        ? (loaded.freeSequences.take(affinityKey) ?? loaded.context.getSequence())
        : undefined;
    let released = false;
    let holds: string | undefined;
    const release = () => {
      if (released) return;
      released = true;
      if (sequence && loaded.kind === 'llm' && !sequence.disposed && !loaded.context.disposed)
        loaded.freeSequences.give(sequence, holds);
      releaseSlot();
    };
    const recordHolds = (key: string) => {
      holds = key;
    };
    return {
      model: entry.model,
      loaded,
      sequence,
      holds: recordHolds,
      release,
      [Symbol.dispose]: release,
    } as ModelLease;
  }

  /** Unloads every model and frees the llama.cpp bindings. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const entries = [...this.#entries.values()];
    for (const entry of entries) entry.download?.abort.abort();
    await Promise.allSettled(entries.map((entry) => entry.download?.done));
    for (const entry of entries) entry.queue.close(new DisposedError('The llama.cpp inference provider'));
    await Promise.allSettled(entries.map((entry) => this.#unload(entry, 'provider disposed')));
    this.#entries.clear();
    const llamas = await Promise.allSettled(this.#llamas.values());
    this.#llamas.clear();
    await Promise.allSettled(
      llamas.flatMap((result) =>
        result.status === 'fulfilled' && !result.value.disposed ? [result.value.dispose()] : [],
      ),
    );
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #entry(id: string): PoolEntry {
    const entry = this.#entries.get(id);
    if (!entry) {
      const served = this.modelIds;
      throw new NotFoundError(
        'model',
        id,
        `The llama.cpp provider serves ${served.length > 0 ? served.map((name) => `'${name}'`).join(', ') : 'no model'}; register it under \`models:\` in distribution.yaml.`,
      );
    }
    return entry;
  }

  #ensureDownloaded(entry: PoolEntry): void {
    const download = entry.download;
    if (!download) return;
    const source = entry.model.source;
    if (download.state === 'failed') {
      throw new ModelDownloadFailedError({ modelId: entry.model.id, source, cause: download.error });
    }
    throw new ModelDownloadingError({
      modelId: entry.model.id,
      source,
      loaded: download.loaded,
      total: download.total,
    });
  }

  #startDownload(entry: PoolEntry, hub: HubFileReference): PendingDownload {
    const abort = new AbortController();
    const pending: PendingDownload = {
      state: 'downloading',
      loaded: 0,
      total: undefined,
      abort,
      done: Promise.resolve(),
    };
    const reference = formatHubFileReference(hub);
    this.#logger.info(`downloading model '${entry.model.id}' (${reference}) into ${this.#cacheDir}`);
    const progressStream = this.#config.show_progress ? (this.#progressStream ?? process.stderr) : null;
    pending.done = downloadHubModelFile({
      reference: hub,
      hubUrl: this.#config.hub_url,
      cacheDir: this.#cacheDir,
      sha256: entry.model.sha256,
      signal: abort.signal,
      progressStream,
      fetch: this.#fetch,
      onProgress: (loaded, total) => {
        pending.loaded = loaded;
        pending.total = total;
      },
    }).then(
      (result: DownloadFileResult) => this.#downloadEnded(entry, pending, result),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        pending.state = 'failed';
        pending.error = error;
        this.#logger.error(
          `model '${entry.model.id}' could not be downloaded: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
    return pending;
  }

  async #downloadEnded(
    entry: PoolEntry,
    pending: PendingDownload,
    result: DownloadFileResult,
  ): Promise<void> {
    if (this.#disposed || entry.download !== pending || this.#entries.get(entry.model.id) !== entry) return;
    entry.model.path = result.path;
    entry.download = undefined;
    this.#logger.info(`downloaded model '${entry.model.id}'`, {
      path: result.path,
      bytes: result.bytes,
      ...(result.verifiedWith ? { sha256: result.sha256, checked_against: result.verifiedWith } : {}),
    });
    if (entry.model.settings.preload) await this.#preloadInBackground(entry);
  }

  /** Loads a model without anyone waiting on it: requests that come meanwhile wait for the same load. */
  async #preloadInBackground(entry: PoolEntry): Promise<void> {
    try {
      await this.#load(entry);
      if (this.#entries.get(entry.model.id) === entry) this.#scheduleIdleUnload(entry);
    } catch (error) {
      // The next request tries again and gets the error itself.
      if (!this.#disposed)
        this.#logger.error(`model '${entry.model.id}' did not load: ${(error as Error).message}`);
    }
  }

  #ensureNotDisposed(): void {
    if (this.#disposed) throw new DisposedError('The llama.cpp inference provider');
  }

  #load(entry: PoolEntry): Promise<LoadedModel> {
    if (!entry.loading) {
      entry.loading = this.#loadModel(entry.model);
      // A failed load is not cached: the next request tries again (memory may have been freed).
      entry.loading.catch(() => {
        entry.loading = undefined;
      });
    }
    return entry.loading;
  }

  async #loadModel(resolved: ResolvedLlamaCppModel): Promise<LoadedModel> {
    const { settings } = resolved;
    const started = performance.now();
    const llama = await this.#llama(settings.gpu, resolved);
    const fail = (stage: string, error: unknown): ModelLoadError =>
      new ModelLoadError({
        modelId: resolved.id,
        path: resolved.path,
        reason: `${stage}: ${error instanceof Error ? error.message : String(error)}`,
        hint:
          stage === 'reading the model'
            ? "Check that the file is a complete GGUF (re-download it), and lower gpu_layers if the GPU's memory is short."
            : `Lower context_size (${settings.context_size}) or parallel_sequences (${settings.parallel_sequences}) in the model's metadata or the provider config, or gpu_layers to keep more on the CPU.`,
        cause: error,
      });

    const modelKey = `${settings.gpu}\n${settings.gpu_layers}\n${resolved.path}`;
    let model: LlamaModel;
    try {
      model = await this.#acquireModel(modelKey, () =>
        llama.loadModel({ modelPath: resolved.path, gpuLayers: settings.gpu_layers }),
      );
    } catch (error) {
      throw fail('reading the model', error);
    }
    const threads = resolveThreadCount(settings.threads, llama.cpuMathCores);
    // A context longer than the model was trained on only wastes memory (and confuses most models).
    const contextSize = Math.min(settings.context_size, model.trainContextSize || settings.context_size);
    try {
      if (resolved.kind === 'embedding') {
        const context = await model.createEmbeddingContext({
          contextSize,
          batchSize: settings.batch_size,
          threads,
        });
        this.#logLoaded(resolved, llama, model, threads, contextSize, started);
        return {
          kind: 'embedding',
          model,
          modelKey,
          context,
          threads,
          longestTokenChars: longestTokenChars(model),
        };
      }
      const context = await model.createContext({
        contextSize,
        sequences: settings.parallel_sequences,
        batchSize: Math.min(settings.batch_size, contextSize),
        threads,
        failedCreationRemedy: false,
        batching: { itemPrioritizationStrategy: fullBatchStrategy() },
        flashAttention: flashAttentionOption(settings.flash_attention, llama),
        ...(resolved.loraAdapters.length > 0
          ? {
              lora: {
                adapters: resolved.loraAdapters.map((adapter) => ({
                  filePath: adapter.path,
                  scale: adapter.scale,
                })),
              },
            }
          : {}),
      });
      const chatWrapper = this.#chatWrapper(model, resolved);
      this.#logLoaded(resolved, llama, model, threads, contextSize, started, chatWrapper.wrapperName);
      return {
        kind: 'llm',
        model,
        modelKey,
        context,
        chatWrapper,
        threads,
        longestTokenChars: longestTokenChars(model),
        freeSequences: new FreeSequences(),
      };
    } catch (error) {
      await this.#releaseModel(modelKey).catch(() => undefined);
      if (error instanceof ModelLoadError) throw error;
      throw fail('creating its context', error);
    }
  }

  /** The GGUF loaded under `key`, loading it when no context uses it yet; `#releaseModel` gives it back. */
  async #acquireModel(key: string, load: () => Promise<LlamaModel>): Promise<LlamaModel> {
    let shared = this.#sharedModels.get(key);
    if (!shared) {
      const loading = load();
      const created: SharedModel = { loading, users: 0 };
      shared = created;
      this.#sharedModels.set(key, created);
      loading.catch(() => {
        if (this.#sharedModels.get(key) === created) this.#sharedModels.delete(key);
      });
    }
    shared.users += 1;
    try {
      return await shared.loading;
    } catch (error) {
      shared.users -= 1;
      throw error;
    }
  }

  /** Disposes the GGUF loaded under `key` when its last context is gone. */
  async #releaseModel(key: string): Promise<void> {
    const shared = this.#sharedModels.get(key);
    if (!shared) return;
    shared.users -= 1;
    if (shared.users > 0) return;
    this.#sharedModels.delete(key);
    await (await shared.loading).dispose();
  }

  #chatWrapper(model: LlamaModel, resolved: ResolvedLlamaCppModel): ChatWrapper {
    const type = resolved.settings.chat_wrapper;
    const supported = resolvableChatWrapperTypeNames.filter(
      (name) => name !== 'template' && name !== 'jinjaTemplate',
    );
    if (!(supported as readonly string[]).includes(type)) {
      throw new ModelLoadError({
        modelId: resolved.id,
        path: resolved.path,
        reason: `unknown chat_wrapper '${type}'`,
        hint: `Use one of: ${supported.join(', ')}.`,
      });
    }
    return resolveChatWrapper(model, { type: type as ResolveChatWrapperWithModelOptions['type'] });
  }

  #logLoaded(
    resolved: ResolvedLlamaCppModel,
    llama: Llama,
    model: LlamaModel,
    threads: number,
    contextSize: number,
    started: number,
    chatWrapper?: string,
  ): void {
    this.#logger.info(`loaded model '${resolved.id}'`, {
      path: resolved.path,
      kind: resolved.kind,
      gpu: llama.gpu,
      gpu_layers: model.gpuLayers,
      threads,
      context_size: contextSize,
      ...(chatWrapper
        ? {
            chat_wrapper: chatWrapper,
            parallel_sequences: resolved.settings.parallel_sequences,
            flash_attention: flashAttentionOption(resolved.settings.flash_attention, llama),
          }
        : {}),
      load_ms: Math.round(performance.now() - started),
    });
  }

  #llama(gpu: GpuSetting, resolved: ResolvedLlamaCppModel): Promise<Llama> {
    let llama = this.#llamas.get(gpu);
    if (!llama) {
      const logger = this.#logger;
      llama = getLlama({
        gpu: gpu === 'cpu' ? false : gpu,
        // Never compile llama.cpp at run time: the prebuilt binaries come with the npm packages.
        build: 'never',
        // 0: each context uses exactly the threads it asks for (see default-thread-count.ts).
        maxThreads: 0,
        logLevel: llamaLogLevels[this.#config.log_level],
        logger(level, message) {
          const text = message.trimEnd();
          if (text === '') return;
          if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal)
            logger.error(`llama.cpp: ${text}`);
          else if (level === LlamaLogLevel.warn) logger.warn(`llama.cpp: ${text}`);
          else logger.info(`llama.cpp: ${text}`);
        },
      });
      this.#llamas.set(gpu, llama);
      llama.then(
        (loaded) => {
          if (gpu === 'auto')
            this.#logger.info(`llama.cpp backend: ${loaded.gpu === false ? 'cpu' : loaded.gpu} (gpu: auto)`);
        },
        () => this.#llamas.delete(gpu),
      );
    }
    return llama.catch((error: unknown) => {
      throw new ModelLoadError({
        modelId: resolved.id,
        path: resolved.path,
        reason: `the llama.cpp binding for gpu '${gpu}' does not load: ${error instanceof Error ? error.message : String(error)}`,
        hint:
          gpu === 'cpu'
            ? 'Reinstall the package so that @node-llama-cpp/<platform> prebuilt binaries are present.'
            : `Set gpu: auto or gpu: cpu, or install the ${gpu} runtime and the @node-llama-cpp/<platform>-${gpu} package.`,
        cause: error,
      });
    });
  }

  #scheduleIdleUnload(entry: PoolEntry): void {
    const seconds = entry.model.settings.idle_unload_seconds;
    if (seconds <= 0 || this.#disposed || entry.idleTimer) return;
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = undefined;
      if (entry.queue.held > 0 || entry.queue.waiting > 0) return;
      void this.#unload(entry, `idle for ${seconds}s`);
    }, seconds * 1000);
    // An idle timer alone does not keep the process alive.
    entry.idleTimer.unref();
  }

  async #unload(entry: PoolEntry, reason: string): Promise<void> {
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = undefined;
    }
    const loading = entry.loading;
    entry.loading = undefined;
    if (!loading) return;
    const loaded = await loading.catch(() => undefined);
    if (!loaded) return;
    await loaded.context.dispose();
    await this.#releaseModel(loaded.modelKey);
    this.#logger.info(`unloaded model '${entry.model.id}' (${reason})`);
  }
}

/**
 * What node-llama-cpp is asked for. On the CPU, 'auto' is off: llama.cpp's own auto turns the tiled
 * flash-attention kernel on wherever it is supported, and on the CPU it is the slower path (stories260K
 * on 2 x86 cores: prompt reading 2.2x, 4-sequence generation 1.6x slower) that also rounds queries to
 * f16. With a GPU backend, llama.cpp decides.
 */
function flashAttentionOption(setting: FlashAttentionSetting, llama: Llama): boolean | 'auto' {
  if (setting === 'auto') return llama.gpu === false ? false : 'auto';
  return setting === 'on';
}
