import { describe, expect, it } from 'vitest';
import { LanceDbMemoryConfig, sampleLanceDbMemoryConfig } from './lancedb-config.js';
import { lanceDbMemoryProviderSpec } from './lancedb-provider-spec.js';

describe('inline::lancedb config', () => {
  it('fills every default from an empty config', () => {
    expect(LanceDbMemoryConfig.parse({})).toEqual({
      storage_options: {},
      chunk_size_in_tokens: 512,
      overlap_size_in_tokens: 64,
      max_document_bytes: 10 * 1024 * 1024,
      fetch_timeout_ms: 10_000,
      allow_http_urls: true,
      embedding_batch_size: 256,
      vector_index: {
        type: 'ivf_pq',
        min_chunks: 10_000,
        nprobes: 50,
        refine_factor: 10,
        retrain_growth: 2,
      },
    });
  });

  it('takes part of the vector index settings and fills in the rest', () => {
    expect(LanceDbMemoryConfig.parse({ vector_index: { min_chunks: 500 } }).vector_index).toMatchObject({
      type: 'ivf_pq',
      min_chunks: 500,
      refine_factor: 10,
    });
    expect(
      LanceDbMemoryConfig.safeParse({ vector_index: { retrain_growth: 1 } }).error?.issues[0]?.path,
    ).toEqual(['vector_index', 'retrain_growth']);
  });

  it('parses its sample config', () => {
    expect(() => LanceDbMemoryConfig.parse(sampleLanceDbMemoryConfig('/data'))).not.toThrow();
  });

  it('rejects an overlap as large as the chunk size, and unknown fields', () => {
    const overlap = LanceDbMemoryConfig.safeParse({ chunk_size_in_tokens: 64, overlap_size_in_tokens: 64 });
    expect(overlap.error?.issues[0]?.path).toEqual(['overlap_size_in_tokens']);
    expect(LanceDbMemoryConfig.safeParse({ chunk_size: 64 }).success).toBe(false);
  });

  it('declares a memory_banks provider that needs inference', () => {
    expect(lanceDbMemoryProviderSpec).toMatchObject({
      specVersion: 'v1',
      api: 'memory_banks',
      providerType: 'inline::lancedb',
      apiDependencies: ['inference'],
    });
  });
});
