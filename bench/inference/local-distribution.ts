import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaCppConfigSchema } from '@llama-stack-ts/provider-inference-llama-cpp';
import type { LlamaGpuType } from 'node-llama-cpp';
import { listeningUrl, startListeningProcess } from '../listening-process.js';
import { llamaStackTsCli } from '../llama-stack-ts-cli.js';
import type { LlamaCppSettings } from './llama-cpp-settings.js';

export interface LocalDistributionOptions {
  /** LLAMA_STACK_TS_MODEL: the GGUF file. */
  model: string;
  /** LLAMA_STACK_TS_EMBEDDING_MODEL: a transformers.js folder (loaded on first use only; keeps start-up offline). */
  embeddingModel: string;
  /** How long start-up and the model's load may take. */
  timeoutMs: number;
  /** Flags for `node` itself, before the command (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeFlags?: readonly string[];
  /** More variables for the process (a private LLAMA_STACK_TS_JOBS_PREFIX). */
  env?: Readonly<Record<string, string>>;
}

/** `llama-stack-ts run local` running in its own process, its text model loaded. */
export interface LocalDistribution extends AsyncDisposable {
  url: string;
  /** The id clients name as `model`. */
  modelId: string;
  /** What the provider loaded the model with, as its `loaded model` log line says. */
  settings: LlamaCppSettings;
  pid: number;
  /** SIGINT, as Ctrl-C would, then the process must exit; its LLAMA_STACK_TS_HOME is removed. */
  close(): Promise<void>;
}

/** The provider's `loaded model '<id>' {details}` line (see llama-cpp-model-pool.ts). */
interface LoadedModelLine {
  path: string;
  gpu: LlamaGpuType;
  gpu_layers: number;
  threads: number;
  context_size: number;
  chat_wrapper: string;
  parallel_sequences: number;
  flash_attention: boolean | 'auto';
}

/**
 * Starts the `local` distribution as a user does: the built command, the distribution's defaults,
 * a fresh LLAMA_STACK_TS_HOME, a free port, and the model files of the README's offline example
 * (the rest of the environment is passed on, so LLAMA_CPP_THREADS and the like apply). Resolves
 * once the server listens and the provider reports its text model loaded.
 */
export async function startLocalDistribution(options: LocalDistributionOptions): Promise<LocalDistribution> {
  const home = await mkdtemp(join(tmpdir(), 'lsts-bench-inference-'));
  const started = await startListeningProcess({
    name: 'llama-stack-ts run local',
    args: [...(options.nodeFlags ?? []), llamaStackTsCli, 'run', 'local', '--port', '0'],
    env: {
      ...process.env,
      LLAMA_STACK_TS_HOME: home,
      LLAMA_STACK_TS_MODEL: options.model,
      LLAMA_STACK_TS_EMBEDDING_MODEL: options.embeddingModel,
      ...options.env,
    },
    timeoutMs: options.timeoutMs,
    ready(output) {
      const url = listeningUrl(output);
      const loaded = /loaded model '([^']+)' (\{.*\})/.exec(output);
      return url && loaded ? { url, modelId: loaded[1] as string, line: loaded[2] as string } : undefined;
    },
    cleanUp: () => rm(home, { recursive: true, force: true }),
  });
  const { url, modelId } = started.ready;
  const line = JSON.parse(started.ready.line) as LoadedModelLine;
  return {
    url,
    modelId,
    settings: {
      modelPath: line.path,
      gpu: line.gpu,
      gpuLayers: line.gpu_layers,
      threads: line.threads,
      contextSize: line.context_size,
      // distributions/local sets no batch_size: the provider's default, which the pool caps at the context.
      batchSize: Math.min(LlamaCppConfigSchema.shape.batch_size.parse(undefined), line.context_size),
      sequences: line.parallel_sequences,
      chatWrapper: line.chat_wrapper,
      flashAttention: line.flash_attention,
    },
    pid: started.pid,
    close: started.close,
    [Symbol.asyncDispose]: started.close,
  };
}
