import { isLlamaGuardCategoryCode, type LlamaGuardCategoryCode } from './llama-guard-categories.js';

export type LlamaGuardVerdict =
  | { safe: true }
  | { safe: false; categories: LlamaGuardCategoryCode[] }
  | { safe: undefined; reason: string };

/**
 * Reads a Llama Guard answer: first line `safe` or `unsafe`, then the violated codes. Tolerates
 * spaces, case, a cut-off last code (a max_tokens stop) and repeats; anything else is unparseable.
 */
export function parseLlamaGuardVerdict(text: string): LlamaGuardVerdict {
  const [first = '', ...rest] = text.trim().split(/\r?\n/);
  const verdict = first.trim().toLowerCase();
  if (verdict === 'safe') return { safe: true };
  if (verdict !== 'unsafe')
    return { safe: undefined, reason: `expected 'safe' or 'unsafe', got '${first.trim()}'` };
  const categories = [
    ...new Set(
      rest
        .join(',')
        .split(',')
        .map((code) => code.trim().toUpperCase())
        .filter(isLlamaGuardCategoryCode),
    ),
  ];
  return { safe: false, categories };
}
