import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { cacheWordPieces, type WordTokenizerModel } from '../../src/cache-word-pieces.js';

// The real all-MiniLM WordPiece vocabulary.
const modelFolder = join(testModelsDir, 'synthetic/tiny-random-bert-embedder');
const modelFiles = [join(modelFolder, 'tokenizer.json')];

describeWithModels('cacheWordPieces on a WordPiece tokenizer', modelFiles, () => {
  const load = async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(modelFolder, { local_files_only: true });
    return { tokenizer, model: (tokenizer as unknown as { model: WordTokenizerModel }).model };
  };
  const texts = [
    'unaffable tokenization of unbelievably long words',
    'unaffable again, and again: tokenization!',
    'naïveté ¿qué? 東京 ☃ zzzqqqxxx',
    'a a a a',
  ];

  it('gives the same ids as the uncached tokenizer, on first sight and from the cache', async () => {
    const plain = await load();
    const cached = await load();
    cacheWordPieces(cached.model);
    expect(cached.model.encode).not.toBe(plain.model.encode);
    for (let pass = 0; pass < 2; pass++) {
      for (const text of texts) {
        expect(cached.tokenizer.encode(text)).toEqual(plain.tokenizer.encode(text));
      }
    }
  });

  it('stays within maxWords, and still answers correctly after it clears', async () => {
    const plain = await load();
    const cached = await load();
    const encode = cached.model.encode;
    let misses = 0;
    cached.model.encode = (words) => {
      misses += words.length;
      return encode.call(cached.model, words);
    };
    cacheWordPieces(cached.model, 3);
    expect(cached.model.encode(['one', 'two', 'one'])).toEqual(plain.model.encode(['one', 'two', 'one']));
    expect(misses).toBe(2);
    expect(cached.model.encode(['three', 'four', 'one'])).toEqual(
      plain.model.encode(['three', 'four', 'one']),
    );
    expect(misses).toBe(5);
  });

  it('leaves a model of another type as it is', () => {
    const model: WordTokenizerModel = { config: { type: 'BPE' }, encode: (words) => words };
    const { encode } = model;
    cacheWordPieces(model);
    expect(model.encode).toBe(encode);
  });
});
