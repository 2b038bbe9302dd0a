import { join } from 'node:path';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { GeneralChatWrapper, Llama3ChatWrapper, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dialogExample, textExample } from '../../src/training-examples.js';
import { loadReferenceModel } from '../llama-cpp-reference.js';

const modelPath = join(testModelsDir, 'stories260K.gguf');
const dialog = [
  { role: 'system', content: 'You tell tiny stories.' },
  { role: 'user', content: 'Who found the ball?' },
  { role: 'assistant', content: 'Lily found the ball.' },
  { role: 'user', content: 'Where was it?' },
  { role: 'assistant', content: 'It was in the park.' },
] as const;

describeWithModels('training examples', [modelPath], () => {
  let model: Awaited<ReturnType<typeof loadReferenceModel>>;
  beforeAll(async () => {
    model = await loadReferenceModel(modelPath);
  });
  afterAll(() => model.dispose());

  const maskedText = (tokens: readonly number[], mask: readonly number[]) =>
    model.detokenize(tokens.filter((_, position) => mask[position] === 1) as Token[]);

  it('text rows are BOS and the text, every target counted', () => {
    const example = textExample(model, 'Lily ran.');
    expect(example.tokens[0]).toBe(model.tokens.bos);
    expect(model.detokenize(example.tokens.slice(1) as Token[])).toBe('Lily ran.');
    expect(example.lossMask).toBeUndefined();
  });

  for (const chatWrapper of [new GeneralChatWrapper(), new Llama3ChatWrapper()])
    it(`${chatWrapper.wrapperName}: dialog loss covers the assistant's replies and their turn ends, nothing else`, () => {
      const { tokens, lossMask = [] } = dialogExample(model, dialog, chatWrapper);
      expect(lossMask).toHaveLength(tokens.length);
      const trained = maskedText(tokens, lossMask);
      expect(trained).toContain('Lily found the ball.');
      expect(trained).toContain('It was in the park.');
      for (const text of ['tiny stories', 'Who found', 'Where was']) expect(trained).not.toContain(text);
      const untrained = maskedText(
        tokens,
        lossMask.map((value) => 1 - value),
      );
      expect(untrained).toContain('Who found the ball?');
      expect(untrained).not.toContain('Lily found');
      // Each reply's span is its text plus exactly one token that ends the turn.
      const replyTokens = dialog
        .filter((message) => message.role === 'assistant')
        .map((message) => model.tokenize(message.content).length);
      const counted = lossMask.reduce((sum, value) => sum + value, 0);
      expect(
        Math.abs(counted - replyTokens.reduce((sum, length) => sum + length + 1, 0)),
      ).toBeLessThanOrEqual(2);
      expect(tokens.at(-1)).toBe(model.tokens.eos);
      expect(lossMask.at(-1)).toBe(1);
    });
});
