import { substituteEnv } from '@llama-stack-ts/stack';
import { describe, expect, it } from 'vitest';
import { LlamaCppConfig, sampleLlamaCppConfig } from './llama-cpp-config.js';

describe('LlamaCppConfig', () => {
  it('fills every default from an empty config', () => {
    expect(LlamaCppConfig.parse({})).toEqual({
      gpu: 'auto',
      gpu_layers: 'auto',
      context_size: 4096,
      threads: 'auto',
      flash_attention: 'auto',
      batch_size: 512,
      parallel_sequences: 4,
      max_queue: 32,
      preload: true,
      idle_unload_seconds: 0,
      chat_wrapper: 'auto',
      log_level: 'warn',
      allow_remote_models: true,
      hub_url: 'https://huggingface.co',
      show_progress: true,
      wait_for_preload: true,
    });
  });

  it('parses the sample config once its env placeholders are substituted', () => {
    const { value } = substituteEnv(sampleLlamaCppConfig('/data/llama-cpp'), { env: {} });
    expect(LlamaCppConfig.parse(value)).toMatchObject({
      gpu: 'auto',
      threads: 'auto',
      context_size: 4096,
      model_dir: '.',
    });
    const tuned = substituteEnv(sampleLlamaCppConfig('/data'), {
      env: {
        LLAMA_CPP_GPU: 'false',
        LLAMA_CPP_THREADS: '2',
        LLAMA_CPP_GPU_LAYERS: '20',
        LLAMA_CPP_PRELOAD: 'false',
        LLAMA_CPP_FLASH_ATTENTION: 'on',
      },
    });
    expect(LlamaCppConfig.parse(tuned.value)).toMatchObject({
      gpu: 'cpu',
      threads: 2,
      gpu_layers: 20,
      preload: false,
      flash_attention: 'on',
    });
  });

  it('names an unknown field and a bad value', () => {
    expect(() => LlamaCppConfig.parse({ n_threads: 2 })).toThrow(/n_threads/);
    expect(() => LlamaCppConfig.parse({ gpu: 'rocm' })).toThrow(/gpu/);
    expect(() => LlamaCppConfig.parse({ threads: 0 })).toThrow(/threads/);
    expect(() => LlamaCppConfig.parse({ flash_attention: true })).toThrow(/flash_attention/);
  });
});
