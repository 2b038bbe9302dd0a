import { z } from 'zod';

export const defaultChunkSizeInTokens = 512;
export const defaultOverlapSizeInTokens = 64;
export const defaultMaxDocumentBytes = 10 * 1024 * 1024;
export const defaultFetchTimeoutMs = 10_000;
export const defaultVectorIndexMinChunks = 10_000;

/**
 * When and how a bank's vectors get an approximate-nearest-neighbour index. Below `min_chunks` a
 * query compares the query vector with every chunk (exact, and fast enough: a few milliseconds per
 * 10k chunks); from there on an IVF index answers, re-ranked exactly (`refine_factor`).
 */
export const VectorIndexConfig = z
  .object({
    type: z
      .enum(['ivf_pq', 'ivf_hnsw_sq', 'none'])
      .default('ivf_pq')
      .describe(
        'ivf_pq: IVF partitions + product quantization (fast to build; recall comes from refine_factor). ' +
          'ivf_hnsw_sq: an HNSW graph per partition over scalar-quantized vectors (slower to build, several times over). ' +
          'none: always exact. Default ivf_pq.',
      ),
    min_chunks: z
      .number()
      .int()
      .positive()
      .default(defaultVectorIndexMinChunks)
      .describe(
        `A bank gets the index once it holds this many chunks; below it (and for a filtered query whose documents hold fewer), ` +
          `search is exact. Default ${defaultVectorIndexMinChunks}.`,
      ),
    nprobes: z
      .number()
      .int()
      .positive()
      .default(50)
      .describe(
        'IVF partitions searched per query: more is slower and finds more. Default 50 (at 100k chunks, about ' +
          '316 partitions: 97% of the exact top 10 found, where 20 found 88%).',
      ),
    refine_factor: z
      .number()
      .int()
      .positive()
      .default(10)
      .describe(
        'The index proposes refine_factor × max_chunks candidates, re-ranked by their exact distance (and scored with it). Default 10.',
      ),
    num_partitions: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('IVF partitions. Default: the square root of the chunk count when the index is built.'),
    num_sub_vectors: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'ivf_pq: sub-vectors each vector is quantized into (the dimension must be a multiple). Default: a quarter of ' +
          "the dimension (LanceDB's own default, a sixteenth, found 74% of the exact top 10 on a 64-dimension model " +
          'where a quarter found 87%; a half, 94%, at twice the build time).',
      ),
    retrain_growth: z
      .number()
      .gt(1)
      .default(2)
      .describe(
        'The index is trained again (partitions and codebooks) once the bank holds this many times the chunks it was trained on ' +
          '(or that it held when the server started); in between, each write folds its rows into the index. Default 2.',
      ),
  })
  .strict()
  .meta({ id: 'LanceDbVectorIndexConfig' });
export type VectorIndexConfig = z.infer<typeof VectorIndexConfig>;

/** The config of `inline::lancedb`, as written under `providers.memory_banks[].config`. */
export const LanceDbMemoryConfig = z
  .object({
    uri: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Where LanceDB keeps the banks: a directory, or an object-storage URI (s3://bucket/path, gs://…, az://…). ' +
          "Default: '<the provider's data directory>/lancedb'.",
      ),
    storage_options: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        'Object-storage settings handed to LanceDB (aws_access_key_id, aws_secret_access_key, region, endpoint, …); ' +
          'take secrets from $' +
          '{env.…}. Default: none.',
      ),
    read_consistency_interval_s: z
      .number()
      .nonnegative()
      .optional()
      .describe(
        'For several processes on one uri (API servers behind a load balancer): how old, in seconds, what another process ' +
          'wrote may look. 0 checks on every read (a stat on a shared directory; a request to object storage), so a bank ' +
          'created, written or dropped through one server is seen through the next at once. Default: absent, this process ' +
          'alone writes the uri and never checks.',
      ),
    embedding_model: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The registered embedding model of banks created without one. Default: none, so each bank must name its own.',
      ),
    chunk_size_in_tokens: z
      .number()
      .int()
      .positive()
      .default(defaultChunkSizeInTokens)
      .describe(
        `Chunk size of banks created without one, in approximate tokens. Default ${defaultChunkSizeInTokens}.`,
      ),
    overlap_size_in_tokens: z
      .number()
      .int()
      .nonnegative()
      .default(defaultOverlapSizeInTokens)
      .describe(
        `Tokens consecutive chunks share, for banks created without a value. Default ${defaultOverlapSizeInTokens} ` +
          '(a quarter of the chunk size when the bank picks a smaller chunk).',
      ),
    max_document_bytes: z
      .number()
      .int()
      .positive()
      .default(defaultMaxDocumentBytes)
      .describe(
        `Largest document accepted (inline, data:, fetched or read), in bytes; larger ones get 413. Default ${defaultMaxDocumentBytes} (10 MiB).`,
      ),
    fetch_timeout_ms: z
      .number()
      .int()
      .positive()
      .default(defaultFetchTimeoutMs)
      .describe(
        `How long fetching an http(s) document may take, body included. Default ${defaultFetchTimeoutMs}.`,
      ),
    allow_http_urls: z
      .boolean()
      .default(true)
      .describe(
        'Whether documents given as http(s) URLs are fetched at all (private and loopback hosts only where url_fetch.allowed_private_hosts lists them). Default true.',
      ),
    embedding_batch_size: z
      .number()
      .int()
      .positive()
      .default(256)
      .describe(
        'Most chunks sent in one embeddings call (the inference provider batches its forward passes within it). Default 256.',
      ),
    vector_index: VectorIndexConfig.prefault({}).describe(
      `Approximate-nearest-neighbour index of a bank's vectors, built in the background once the bank holds ` +
        `min_chunks chunks (default ${defaultVectorIndexMinChunks}); exact search below that.`,
    ),
  })
  .strict()
  .refine((config) => config.overlap_size_in_tokens < config.chunk_size_in_tokens, {
    path: ['overlap_size_in_tokens'],
    message: 'must be smaller than chunk_size_in_tokens',
  });
export type LanceDbMemoryConfig = z.infer<typeof LanceDbMemoryConfig>;
export type LanceDbMemoryConfigInput = z.input<typeof LanceDbMemoryConfig>;

/** A config for distribution templates, written with `${env.…}` placeholders. */
export function sampleLanceDbMemoryConfig(_dataDir: string): Record<string, unknown> {
  // An empty substitution leaves the field out, so the default under the data directory applies.
  return {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the manifest's substitution syntax, not a template
    uri: '${env.LANCEDB_URI:=}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the manifest's substitution syntax, not a template
    embedding_model: '${env.LLAMA_STACK_TS_EMBEDDING_MODEL:=}',
    chunk_size_in_tokens: defaultChunkSizeInTokens,
    overlap_size_in_tokens: defaultOverlapSizeInTokens,
  };
}
