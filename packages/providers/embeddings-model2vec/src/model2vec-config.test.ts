import { substituteEnv } from '@llama-stack-ts/stack';
import { describe, expect, it } from 'vitest';
import { Model2VecConfig, sampleModel2VecConfig } from './model2vec-config.js';

describe('Model2VecConfig', () => {
  it('fills every default from an empty config', () => {
    expect(Model2VecConfig.parse({})).toEqual({
      allow_remote_models: true,
      hub_url: 'https://huggingface.co',
      preload: true,
      max_tokens: 512,
      show_progress: true,
    });
  });

  it('parses the sample config once its env placeholders are substituted', () => {
    const { value } = substituteEnv(sampleModel2VecConfig('/data/model2vec'), { env: {} });
    expect(Model2VecConfig.parse(value)).toMatchObject({
      model_cache_dir: '~/.llama-stack-ts/models',
      allow_remote_models: true,
      hub_url: 'https://huggingface.co',
    });
    const offline = substituteEnv(sampleModel2VecConfig('/data'), {
      env: { LLAMA_STACK_TS_ALLOW_DOWNLOADS: 'false' },
    });
    expect(Model2VecConfig.parse(offline.value).allow_remote_models).toBe(false);
  });

  it('names an unknown field', () => {
    expect(() => Model2VecConfig.parse({ dimension: 64 })).toThrow(/dimension/);
  });
});
