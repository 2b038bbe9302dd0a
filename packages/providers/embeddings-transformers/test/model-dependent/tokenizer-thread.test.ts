import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { afterAll, expect, it } from 'vitest';
import { TokenizerThread } from '../../src/tokenizer-thread.js';

// The real all-MiniLM WordPiece tokenizer.
const modelFolder = join(testModelsDir, 'synthetic/tiny-random-bert-embedder');
const modelFiles = [join(modelFolder, 'tokenizer.json')];

describeWithModels('TokenizerThread', modelFiles, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tokenizer-thread-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("gives transformers.js' ids, padded with [PAD] and masked, cut at maxTokens", async () => {
    const thread = await TokenizerThread.start({ folder: modelFolder });
    expect(thread.modelMaxLength).toBe(512);
    const texts = ['The cat sat on the mat.', 'Unaffable naïveté: ¿qué? 東京', 'hi'];
    const { input_ids, attention_mask } = await thread.tokenize(texts, 8);
    const reference = await AutoTokenizer.from_pretrained(modelFolder, { local_files_only: true });
    const expected = reference(texts, { padding: true, truncation: true, max_length: 8 });
    expect(input_ids!.dims).toEqual(expected.input_ids.dims);
    expect([...input_ids!.data]).toEqual([...expected.input_ids.data]);
    expect([...attention_mask!.data]).toEqual([...expected.attention_mask.data]);
    await thread.dispose();
  });

  it('fails the requests waiting on it when disposed, and every later one', async () => {
    const thread = await TokenizerThread.start({ folder: modelFolder });
    const waiting = expect(thread.tokenize(['a text'.repeat(2000)], 512)).rejects.toThrow(
      'the tokenizer thread was disposed',
    );
    await thread.dispose();
    await waiting;
    await expect(thread.tokenize(['later'], 512)).rejects.toThrow('the tokenizer thread was disposed');
    await thread.dispose();
  });

  it('refuses to start on a folder whose tokenizer.json does not parse, saying why', async () => {
    writeFileSync(join(scratch, 'tokenizer.json'), '{ not json');
    writeFileSync(join(scratch, 'tokenizer_config.json'), '{}');
    await expect(TokenizerThread.start({ folder: scratch })).rejects.toThrow(/JSON/);
  });
});
