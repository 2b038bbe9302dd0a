import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { beforeAll, expect, it } from 'vitest';
import { Model2VecTokenizer } from '../../src/model2vec-tokenizer.js';

const modelFolder = join(testModelsDir, 'minishlab/test-model-vocab-quantized');
const modelFiles = [join(modelFolder, 'tokenizer.json')];

/** Texts that stress the pipeline: case, punctuation, digits, accents, CJK, emoji, runs of spaces, tabs, unknown characters, added tokens. */
function corpus(): string[] {
  const fixed = [
    'The cat sat on the mat.',
    'Hello,   WORLD!!  (twice)\tand\nnewlines',
    'naïve café — déjà vu… 東京タワー 🚀🚀 ☃☃ x☃y',
    "it's 3.14159 o'clock; e-mail: a.b@c.d #hash $100 50%",
    '   leading and trailing spaces   ',
    'unknown [UNK] literal and [PAD] too',
    'snake_case kebab-case camelCase PascalCase',
    '',
    ' ',
    '▁already▁marked',
  ];
  const words =
    'the memory bank stores documents query Answer, model! provider? stack-server token_batch café 東京 ☃'.split(
      ' ',
    );
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const random = Array.from({ length: 300 }, () =>
    Array.from({ length: 1 + Math.floor(next() * 30) }, () => words[Math.floor(next() * words.length)]).join(
      next() < 0.1 ? '  ' : ' ',
    ),
  );
  return [...fixed, ...random];
}

describeWithModels('Model2VecTokenizer fast path', modelFiles, () => {
  let tokenizer: Model2VecTokenizer;
  beforeAll(() => {
    tokenizer = new Model2VecTokenizer(
      JSON.parse(readFileSync(join(modelFolder, 'tokenizer.json'), 'utf8')),
      {},
    );
  });
  const withoutUnknown = (ids: number[]) => ids.filter((id) => id !== tokenizer.unknownTokenId);

  it('gives the library encode ids, unknown tokens aside, on a varied corpus (twice, through the cache)', () => {
    for (const round of [1, 2]) {
      for (const text of corpus()) {
        expect(withoutUnknown(tokenizer.encode(text)), `round ${round}: ${JSON.stringify(text)}`).toEqual(
          withoutUnknown(tokenizer.encodeWithLibrary(text)),
        );
      }
    }
  });

  it('keeps the ids of the documented example', () => {
    expect(tokenizer.encode('The cat sat on the mat.')).toEqual([999, 3939, 1940, 1009, 999, 12525, 15]);
    expect(tokenizer.unknownTokenId).toBe(1);
  });
});
