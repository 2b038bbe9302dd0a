import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaCppConfigSchema } from '@llama-stack-ts/provider-inference-llama-cpp';
import type { LlamaGpuType } from 'node-llama-cpp';
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
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), llamaStackTsCli, 'run', 'local', '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LLAMA_STACK_TS_HOME: home,
        LLAMA_STACK_TS_MODEL: options.model,
        LLAMA_STACK_TS_EMBEDDING_MODEL: options.embeddingModel,
        ...options.env,
      },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The access log goes on for every request: keep reading it (a full pipe would stall the server),
  // but keep only the start-up part, for the error message.
  let output = '';
  const collect = (text: string) => {
    if (output.length < 64_000) output += text;
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);

  const close = async () => {
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(killer);
    await rm(home, { recursive: true, force: true });
    if (code !== 0) process.stderr.write(`warning: llama-stack-ts exited with ${code} after SIGINT\n`);
  };

  const started = performance.now();
  let running = true;
  void exited.then(() => {
    running = false;
  });
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    const loaded = /loaded model '([^']+)' (\{.*\})/.exec(output);
    if (url && loaded) {
      const line = JSON.parse(loaded[2] as string) as LoadedModelLine;
      return {
        url,
        modelId: loaded[1] as string,
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
        pid: child.pid as number,
        close,
        [Symbol.asyncDispose]: close,
      };
    }
    if (!running || performance.now() - started > options.timeoutMs) {
      if (running) await close();
      else await rm(home, { recursive: true, force: true });
      throw new Error(
        `llama-stack-ts run local ${running ? `did not report its model loaded within ${options.timeoutMs} ms` : 'exited'}:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
