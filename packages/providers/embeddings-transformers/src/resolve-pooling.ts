import type { Pooling } from './pooling.js';

export interface PoolingChoice {
  pooling: Pooling;
  /** Where the choice came from, for the load log line. */
  reason: string;
}

/**
 * The pooling mode a sentence-transformers `1_Pooling/config.json` asks for. Several modes at once
 * (concatenated vectors) are rare; the first of cls, max, mean, mean_sqrt_len, last_token wins.
 */
export function poolingFromSentenceTransformers(config: Record<string, unknown>): Pooling | undefined {
  if (config.pooling_mode_cls_token === true) return 'cls';
  if (config.pooling_mode_max_tokens === true) return 'max';
  if (config.pooling_mode_mean_tokens === true) return 'mean';
  if (config.pooling_mode_mean_sqrt_len_tokens === true) return 'mean_sqrt_len';
  if (config.pooling_mode_lasttoken === true) return 'last_token';
  return undefined;
}

/**
 * What the model cards of common ONNX embedding families ask for, for repositories (like Xenova's)
 * that ship no `1_Pooling/config.json`: bge, mxbai and arctic-embed take the [CLS] token; the
 * sentence-transformers MiniLM/mpnet family, e5, gte, nomic and jina average the tokens.
 */
const knownFamilies: readonly { pattern: RegExp; family: string; pooling: Pooling }[] = [
  { pattern: /(^|[/_-])bge-/i, family: 'bge', pooling: 'cls' },
  { pattern: /mxbai-embed/i, family: 'mxbai-embed', pooling: 'cls' },
  { pattern: /snowflake-arctic-embed/i, family: 'arctic-embed', pooling: 'cls' },
  {
    pattern: /(all|paraphrase|multi-qa)-(MiniLM|mpnet|distilroberta)/i,
    family: 'sentence-transformers',
    pooling: 'mean',
  },
  { pattern: /(^|[/_-])(e5|gte)-/i, family: 'e5/gte', pooling: 'mean' },
  { pattern: /nomic-embed/i, family: 'nomic-embed', pooling: 'mean' },
  { pattern: /jina-embeddings/i, family: 'jina-embeddings', pooling: 'mean' },
];

export function poolingForModelName(name: string): PoolingChoice | undefined {
  const known = knownFamilies.find((entry) => entry.pattern.test(name));
  return known && { pooling: known.pooling, reason: `the ${known.family} model card` };
}

/**
 * Picks the pooling: `metadata.pooling` first, then the model's own `1_Pooling/config.json`, then
 * the card of a known model family, then mean pooling (what most sentence-embedding cards ask for).
 */
export function resolvePooling(options: {
  metadataPooling: Pooling | undefined;
  sentenceTransformersPooling: Record<string, unknown> | undefined;
  modelName: string;
}): PoolingChoice {
  if (options.metadataPooling) return { pooling: options.metadataPooling, reason: 'metadata.pooling' };
  const fromConfig =
    options.sentenceTransformersPooling &&
    poolingFromSentenceTransformers(options.sentenceTransformersPooling);
  if (fromConfig) return { pooling: fromConfig, reason: '1_Pooling/config.json' };
  return poolingForModelName(options.modelName) ?? { pooling: 'mean', reason: 'the default (mean)' };
}
