import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describeWithModels } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { countApproximateTokens } from '../src/chunking/approximate-tokens.js';
import { testModelsDir } from './support/test-models.js';

const tokenizerPath = join(testModelsDir, 'Xenova/all-MiniLM-L6-v2/tokenizer.json');

const samples = {
  prose:
    'Customers can request a refund within 30 days of purchase. The money goes back to the original payment ' +
    'method within five business days, and gift cards cannot be refunded once they have been used.',
  technical:
    'A pod killed with reason OOMKilled exceeded its memory limit; raise resources.limits.memory in the ' +
    'deployment and check the container_memory_working_set_bytes metric before restarting it.',
  markdown:
    '# Shipping\n\n- Standard delivery: 3-5 business days\n- Express: next working day (order before 14:00)\n',
};

/** The approximation chunk sizes are counted in, checked against a real subword tokenizer. */
describeWithModels(
  'approximate tokens against the all-MiniLM-L6-v2 WordPiece tokenizer',
  [tokenizerPath],
  () => {
    it.each(Object.entries(samples))('stays within 30%% of the real count (%s)', async (_, text) => {
      const tokenizer = new Tokenizer(JSON.parse(await readFile(tokenizerPath, 'utf8')), {});
      const real = tokenizer.encode(text, { add_special_tokens: false }).ids.length;
      const approximate = countApproximateTokens(text);
      expect(approximate / real).toBeGreaterThan(0.7);
      expect(approximate / real).toBeLessThan(1.3);
    });
  },
);
