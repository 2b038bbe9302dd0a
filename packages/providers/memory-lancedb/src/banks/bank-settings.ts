import { type CreateMemoryBankRequest, InvalidRequestError } from '@llama-stack-ts/core';
import type { LanceDbMemoryConfig } from '../lancedb-config.js';
import type { BankRecord } from '../storage/bank-tables.js';

export type BankSettings = Pick<BankRecord, 'embeddingModel' | 'chunkSizeInTokens' | 'overlapSizeInTokens'>;

/**
 * The embedding model and chunking of a new bank: the request's, else the provider config's. An
 * overlap the request leaves out becomes a quarter of the chunk when the configured one does not fit.
 */
export function resolveBankSettings(
  request: CreateMemoryBankRequest,
  config: LanceDbMemoryConfig,
): BankSettings {
  const embeddingModel = request.embedding_model ?? config.embedding_model;
  if (!embeddingModel) {
    throw new InvalidRequestError(
      'embedding_model',
      'required: name a registered embedding model, or set embedding_model in the inline::lancedb provider config',
    );
  }
  const chunkSizeInTokens = request.chunk_size_in_tokens ?? config.chunk_size_in_tokens;
  const overlapSizeInTokens =
    request.overlap_size_in_tokens ??
    (config.overlap_size_in_tokens < chunkSizeInTokens
      ? config.overlap_size_in_tokens
      : Math.floor(chunkSizeInTokens / 4));
  if (overlapSizeInTokens >= chunkSizeInTokens) {
    throw new InvalidRequestError(
      'overlap_size_in_tokens',
      `must be smaller than chunk_size_in_tokens (${chunkSizeInTokens})`,
    );
  }
  return { embeddingModel, chunkSizeInTokens, overlapSizeInTokens };
}
