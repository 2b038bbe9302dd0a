import { describe, expect, it } from 'vitest';
import { poolingForModelName, poolingFromSentenceTransformers, resolvePooling } from './resolve-pooling.js';

describe('resolvePooling', () => {
  it('reads a sentence-transformers pooling config', () => {
    expect(
      poolingFromSentenceTransformers({ word_embedding_dimension: 384, pooling_mode_mean_tokens: true }),
    ).toBe('mean');
    expect(
      poolingFromSentenceTransformers({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }),
    ).toBe('cls');
    expect(poolingFromSentenceTransformers({ pooling_mode_lasttoken: true })).toBe('last_token');
    expect(poolingFromSentenceTransformers({})).toBeUndefined();
  });

  it('knows the families of common ONNX embedders', () => {
    expect(poolingForModelName('Xenova/all-MiniLM-L6-v2')?.pooling).toBe('mean');
    expect(poolingForModelName('Xenova/bge-small-en-v1.5')?.pooling).toBe('cls');
    expect(poolingForModelName('/models/BAAI_bge-base-en-v1.5')?.pooling).toBe('cls');
    expect(poolingForModelName('mixedbread-ai/mxbai-embed-large-v1')?.pooling).toBe('cls');
    expect(poolingForModelName('Xenova/e5-small-v2')?.pooling).toBe('mean');
    expect(poolingForModelName('Supabase/gte-small')?.pooling).toBe('mean');
    expect(poolingForModelName('someone/tiny-random-bert-embedder')).toBeUndefined();
  });

  it('prefers metadata, then the model config, then the family, then mean', () => {
    const bgeWithConfig = {
      sentenceTransformersPooling: { pooling_mode_mean_tokens: true },
      modelName: 'x/bge-small',
    };
    expect(resolvePooling({ metadataPooling: 'max', ...bgeWithConfig })).toEqual({
      pooling: 'max',
      reason: 'metadata.pooling',
    });
    expect(resolvePooling({ metadataPooling: undefined, ...bgeWithConfig })).toEqual({
      pooling: 'mean',
      reason: '1_Pooling/config.json',
    });
    expect(
      resolvePooling({
        metadataPooling: undefined,
        sentenceTransformersPooling: undefined,
        modelName: 'x/bge-small',
      }),
    ).toEqual({ pooling: 'cls', reason: 'the bge model card' });
    expect(
      resolvePooling({
        metadataPooling: undefined,
        sentenceTransformersPooling: undefined,
        modelName: 'x/unknown',
      }),
    ).toEqual({ pooling: 'mean', reason: 'the default (mean)' });
  });
});
