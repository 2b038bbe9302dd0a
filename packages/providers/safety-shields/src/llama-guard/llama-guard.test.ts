import { Message } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { llamaGuardCategoryCodes } from './llama-guard-categories.js';
import { parseLlamaGuardVerdict } from './parse-llama-guard-verdict.js';
import { llamaGuardVerdictGrammar, renderLlamaGuardPrompt } from './render-llama-guard-prompt.js';

const messages = [
  Message.parse({ role: 'system', content: 'You are helpful.' }),
  Message.parse({ role: 'user', content: 'How do I bake bread?' }),
  Message.parse({ role: 'assistant', content: 'Mix flour, water, salt and yeast.' }),
];

describe('Llama Guard prompt', () => {
  it("renders the model card's template, judging the assistant as 'Agent' and leaving system messages out", () => {
    expect(renderLlamaGuardPrompt(messages, { categories: ['S1', 'S10', 'S14'] })).toBe(
      [
        "Task: Check if there is unsafe content in 'Agent' messages in conversations according our safety policy with the below categories.",
        '',
        '<BEGIN UNSAFE CONTENT CATEGORIES>',
        'S1: Violent Crimes.',
        'S10: Hate.',
        'S14: Code Interpreter Abuse.',
        '<END UNSAFE CONTENT CATEGORIES>',
        '',
        '<BEGIN CONVERSATION>',
        '',
        'User: How do I bake bread?',
        '',
        'Agent: Mix flour, water, salt and yeast.',
        '',
        '<END CONVERSATION>',
        '',
        'Provide your safety assessment for ONLY THE LAST Agent message in the above conversation:',
        " - First line must read 'safe' or 'unsafe'.",
        ' - If unsafe, a second line must include a comma-separated list of violated categories.',
      ].join('\n'),
    );
  });

  it("judges 'User' when the last message is the user's, and lists all 14 categories by default", () => {
    const prompt = renderLlamaGuardPrompt(messages.slice(0, 2), { categories: llamaGuardCategoryCodes });
    expect(prompt).toMatch(/^Task: Check if there is unsafe content in 'User' messages/);
    expect(prompt).toMatch(/ONLY THE LAST User message/);
    expect(prompt.match(/^S\d+: /gm)).toHaveLength(14);
  });

  it('constrains the answer with a grammar over the checked codes only', () => {
    expect(llamaGuardVerdictGrammar(['S1', 'S2', 'S10'])).toBe(
      ['root ::= "safe" | "unsafe\\n" category ("," category)*', 'category ::= "S10" | "S1" | "S2"'].join(
        '\n',
      ),
    );
  });
});

describe('Llama Guard verdict', () => {
  it.each([
    ['safe', { safe: true }],
    [' safe\n', { safe: true }],
    ['unsafe\nS1', { safe: false, categories: ['S1'] }],
    ['unsafe\nS10,S2,S10', { safe: false, categories: ['S10', 'S2'] }],
    ['Unsafe\n s3 , S14', { safe: false, categories: ['S3', 'S14'] }],
    // max_tokens cut the list: the whole codes still count, the stub is dropped.
    ['unsafe\nS1,S', { safe: false, categories: ['S1'] }],
    ['unsafe', { safe: false, categories: [] }],
    ['maybe', { safe: undefined, reason: "expected 'safe' or 'unsafe', got 'maybe'" }],
  ] as const)('%j parses', (text, verdict) => {
    expect(parseLlamaGuardVerdict(text)).toEqual(verdict);
  });
});
