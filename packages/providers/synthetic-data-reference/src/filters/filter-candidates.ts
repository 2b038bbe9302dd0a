import type { FilteringFunction } from '@llama-stack-ts/core';
import { softmax } from '@llama-stack-ts/provider-utils';

/** The settings the filters read, all filled in. */
export interface FilterSettings {
  /** top_k, top_k_top_p: most candidates kept. */
  topK: number;
  /** top_p, top_k_top_p: normalised score mass to reach, in (0, 1]. */
  topP: number;
  /** sigmoid: the score kept with probability 1/2. */
  threshold: number;
  /** sigmoid: how soft the cut is. */
  sigmoidTemperature: number;
}

/** Float sums of probabilities that should reach p exactly may fall short by rounding. */
const tolerance = 1e-12;

/** Candidate indices, best score first; equal scores keep their order. */
function ranked(scores: readonly number[]): number[] {
  return scores.map((_, index) => index).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** How many of the best candidates the smallest set whose softmax-normalised scores reach `p` holds. */
function topPCount(scores: readonly number[], order: readonly number[], p: number): number {
  const probabilities = softmax(scores);
  let mass = 0;
  for (const [position, index] of order.entries()) {
    mass += probabilities[index]!;
    if (mass >= p - tolerance) return position + 1;
  }
  return order.length;
}

/**
 * Which of one prompt's scored candidates a filter keeps, as indices into `scores`:
 * - `none`: all, in order;
 * - `random`: one, drawn uniformly with `random`;
 * - `top_k`: the `topK` best, best first;
 * - `top_p`: the fewest best whose softmax-normalised scores sum to at least `topP`, best first;
 * - `top_k_top_p`: both, i.e. the best min(topK, what top_p keeps), best first;
 * - `sigmoid`: each, in order, with probability sigmoid((score - threshold) / sigmoidTemperature),
 *   drawing one number from `random` per candidate.
 * `random` is a seeded source in [0, 1), so the same seed keeps the same candidates.
 */
export function filterCandidates(
  filteringFunction: FilteringFunction,
  scores: readonly number[],
  settings: FilterSettings,
  random: () => number,
): number[] {
  if (scores.length === 0) return [];
  switch (filteringFunction) {
    case 'none':
      return scores.map((_, index) => index);
    case 'random':
      return [Math.min(scores.length - 1, Math.floor(random() * scores.length))];
    case 'top_k':
      return ranked(scores).slice(0, settings.topK);
    case 'top_p': {
      const order = ranked(scores);
      return order.slice(0, topPCount(scores, order, settings.topP));
    }
    case 'top_k_top_p': {
      const order = ranked(scores);
      return order.slice(0, Math.min(settings.topK, topPCount(scores, order, settings.topP)));
    }
    case 'sigmoid':
      return scores.flatMap((score, index) => {
        const probability = 1 / (1 + Math.exp(-(score - settings.threshold) / settings.sigmoidTemperature));
        return random() < probability ? [index] : [];
      });
  }
}
