// @ts-check
// JavaScript, not TypeScript: tokenizer-worker.js imports it, and a worker thread runs the same
// files from src/ (tests) as from dist/.

/**
 * What this module uses of a transformers.js tokenizer model (`tokenizer.model`).
 * @typedef {{ config?: { type?: string }, encode(words: string[]): string[] }} WordTokenizerModel
 */

/**
 * transformers.js' WordPiece model splits every word afresh, character by character (measured at a
 * fifth of tokenizing time on English text); unlike its BPE model it keeps no cache. A word splits
 * the same whatever its neighbours, so the pieces of a word seen before are reused: natural text
 * repeats most of its words. Other model types are left as they are.
 *
 * @param {WordTokenizerModel} model
 * @param {number} [maxWords]
 */
export function cacheWordPieces(model, maxWords = 100_000) {
  if (model.config?.type !== 'WordPiece') return;
  const encode = model.encode.bind(model);
  /** @type {Map<string, string[]>} */
  const cache = new Map();
  model.encode = (words) => {
    /** @type {string[]} */
    const pieces = [];
    for (const word of words) {
      let wordPieces = cache.get(word);
      if (!wordPieces) {
        wordPieces = encode([word]);
        // Bounded: a stream of distinct words (ids, hashes) would otherwise grow it without end.
        if (cache.size >= maxWords) cache.clear();
        cache.set(word, wordPieces);
      }
      for (const piece of wordPieces) pieces.push(piece);
    }
    return pieces;
  };
}
