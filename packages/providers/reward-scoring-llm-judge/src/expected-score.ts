import type { TokenLogprob } from '@llama-stack-ts/core';

/**
 * The probability-weighted mean of the digits `min`..`max` at the judge's first generated token:
 * Σ p(d)·d / Σ p(d) over the alternatives that are one allowed digit. A grammar leaves only those,
 * so this is the judge's expected score rather than the one digit it happened to pick (a judge torn
 * between 2 and 5 scores 3.5, not 2). Undefined when no alternative is an allowed digit (the
 * provider gave no log probabilities), so the caller falls back to the sampled digit.
 */
export function expectedScore(
  firstToken: TokenLogprob | undefined,
  min: number,
  max: number,
): number | undefined {
  let weight = 0;
  let weighted = 0;
  for (const alternative of firstToken?.top_logprobs ?? []) {
    const text = alternative.token.trim();
    if (!/^\d$/.test(text)) continue;
    const value = Number(text);
    // Two tokens may spell one digit (a byte token and a text token): both count for it.
    if (value < min || value > max) continue;
    const probability = Math.exp(alternative.logprob);
    weight += probability;
    weighted += probability * value;
  }
  return weight > 0 ? weighted / weight : undefined;
}
