/** The sampling settings a `TokenSampler` applies, in llama.cpp's order: top-k, top-p, min-p, temperature. */
export interface TokenSamplerOptions {
  /** 0 picks the most likely token. */
  temperature: number;
  /** 0 keeps every token. */
  topK: number;
  /** 1 keeps every token. */
  topP: number;
  /** 0 keeps every token. */
  minP?: number;
  /** Same seed, same picks; random when left out. */
  seed?: number;
}

/**
 * Picks the next token from a model's probability distribution, as llama.cpp's sampler chain does
 * (top-k, then top-p and min-p on the untempered distribution, then temperature, then a seeded draw).
 *
 * Used when log probabilities are asked for with temperature above 0: llama.cpp then reports only the
 * collapsed distribution of its own sampler, so the provider asks it for the full (greedy-view)
 * distribution, which gives honest log probabilities, and draws the token here.
 */
export class TokenSampler<TokenId = number> {
  readonly #options: TokenSamplerOptions;
  readonly #random: () => number;

  constructor(options: TokenSamplerOptions) {
    this.#options = options;
    this.#random = mulberry32(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /**
   * @param probabilities every candidate's probability, most likely first (node-llama-cpp's order);
   *   candidates with probability 0 (ruled out by a grammar) are never picked.
   */
  pick(probabilities: ReadonlyMap<TokenId, number>): TokenId {
    const { temperature, topK, topP, minP = 0 } = this.#options;
    let candidates = [...probabilities].filter(([, probability]) => probability > 0);
    if (candidates.length === 0) throw new Error('no candidate token has a probability above 0');
    candidates.sort((a, b) => b[1] - a[1]);
    const [best] = candidates;
    if (temperature <= 0 || !best) return (best as [TokenId, number])[0];

    if (topK > 0) candidates = candidates.slice(0, topK);
    if (topP < 1) {
      const total = sum(candidates);
      let cumulative = 0;
      let keep = 0;
      while (keep < candidates.length) {
        cumulative += (candidates[keep]?.[1] ?? 0) / total;
        keep++;
        if (cumulative >= topP) break;
      }
      candidates = candidates.slice(0, keep);
    }
    if (minP > 0) {
      const threshold = (candidates[0]?.[1] ?? 0) * minP;
      candidates = candidates.filter(([, probability]) => probability >= threshold);
    }
    // softmax(logit / T) is p^(1/T) renormalised.
    const weights = candidates.map(
      ([token, probability]) => [token, probability ** (1 / temperature)] as [TokenId, number],
    );
    let draw = this.#random() * sum(weights);
    for (const [token, weight] of weights) {
      draw -= weight;
      if (draw < 0) return token;
    }
    return (weights.at(-1) as [TokenId, number])[0];
  }
}

function sum(entries: readonly (readonly [unknown, number])[]): number {
  let total = 0;
  for (const [, value] of entries) total += value;
  return total;
}

/** A small, fast, seedable PRNG (Mulberry32): the same seed gives the same sequence everywhere. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
