import {
  ConflictError,
  DependencyUnavailableError,
  type EmbeddingInference,
  StackError,
} from '@llama-stack-ts/core';

export interface EmbedTextsOptions {
  model: string;
  batchSize: number;
  /** The dimension the bank was indexed with; vectors of another length are refused. */
  dimension?: number | undefined;
  /** The bank, named in the error about a dimension that changed. */
  bankUuid?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Embeds texts in batches through the Inference API, one vector per text, in order. Errors of the
 * inference provider (unknown model: 404) pass through; anything else it throws becomes a 503.
 */
export async function embedTexts(
  embedder: EmbeddingInference,
  texts: readonly string[],
  options: EmbedTextsOptions,
) {
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += options.batchSize) {
    const batch = texts.slice(start, start + options.batchSize);
    let embeddings: number[][];
    try {
      ({ embeddings } = await embedder.embeddings(
        { model: options.model, contents: batch },
        { signal: options.signal },
      ));
    } catch (error) {
      if (StackError.isInstance(error) || options.signal?.aborted) throw error;
      throw new DependencyUnavailableError('inline::lancedb', `embedding model '${options.model}'`, error);
    }
    if (embeddings.length !== batch.length) {
      throw new DependencyUnavailableError(
        'inline::lancedb',
        `embedding model '${options.model}'`,
        new Error(`it answered ${embeddings.length} vectors for ${batch.length} texts`),
      );
    }
    for (const vector of embeddings) {
      if (vector.length === 0) {
        throw new DependencyUnavailableError(
          'inline::lancedb',
          `embedding model '${options.model}'`,
          new Error('it answered an empty vector'),
        );
      }
      const dimension = options.dimension ?? vectors[0]?.length ?? vector.length;
      if (vector.length !== dimension) {
        throw new ConflictError(
          `Embedding model '${options.model}' answered a vector of ${vector.length} dimensions, but ` +
            `${options.bankUuid ? `memory bank '${options.bankUuid}'` : 'this request'} holds vectors of ${dimension}. ` +
            'Serve the model the bank was created with under that id, or create a new bank for this model.',
        );
      }
      vectors.push(vector);
    }
  }
  return vectors;
}
