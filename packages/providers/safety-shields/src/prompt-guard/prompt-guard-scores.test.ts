import { describe, expect, it } from 'vitest';
import { chunkText, promptGuardScores } from './prompt-guard-scores.js';

describe('prompt guard scores', () => {
  it('scores Prompt Guard 1 labels as the card does: injection counts jailbreak too', () => {
    expect(promptGuardScores([0.1, 0.3, 0.6], ['BENIGN', 'INJECTION', 'JAILBREAK'])).toEqual({
      jailbreak: 0.6,
      injection: 0.8999999999999999,
    });
  });

  it('scores a two-label model by its non-benign label', () => {
    expect(promptGuardScores([0.2, 0.8], ['LABEL_0', 'LABEL_1'])).toEqual({ jailbreak: 0.8, injection: 0.8 });
    expect(promptGuardScores([0.7, 0.3], ['MALICIOUS', 'BENIGN'])).toEqual({
      jailbreak: 0.7,
      injection: 0.7,
    });
  });

  it('chunks long text at spaces, keeping every word', () => {
    const text = Array.from({ length: 50 }, (_, index) => `word${index}`).join(' ');
    const chunks = chunkText(text, 40);
    expect(chunks.every((chunk) => chunk.length <= 40)).toBe(true);
    expect(chunks.join(' ')).toBe(text);
    expect(chunkText('', 40)).toEqual(['']);
  });
});
