import type { LlamaGpuType } from 'node-llama-cpp';

/** What a llama.cpp text model runs with: the settings both sides of the benchmark share. */
export interface LlamaCppSettings {
  modelPath: string;
  gpu: LlamaGpuType;
  gpuLayers: number;
  threads: number;
  /** Tokens per sequence. */
  contextSize: number;
  batchSize: number;
  /** Sequences of the context: the requests generated at once; more wait for a free one. */
  sequences: number;
  /** node-llama-cpp's chat wrapper for the model (chat requests). */
  chatWrapper: string;
  /** node-llama-cpp's `flashAttention` context option. */
  flashAttention: boolean | 'auto';
}

export function formatSettings(settings: LlamaCppSettings): string {
  return (
    `gpu ${settings.gpu === false ? 'none (cpu)' : settings.gpu}, gpu_layers ${settings.gpuLayers}, ` +
    `threads ${settings.threads}, context_size ${settings.contextSize}, batch_size ${settings.batchSize}, ` +
    `parallel_sequences ${settings.sequences}, chat_wrapper ${settings.chatWrapper}, ` +
    `flash_attention ${settings.flashAttention}`
  );
}
