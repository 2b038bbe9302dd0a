import { invalidParam } from './invalid-param.js';

/** Checks that `n` (times the prompt count) stays within `maxChoices`; answers `n`. */
export function choiceCount(n: number | null | undefined, maxChoices: number, prompts = 1): number {
  const count = n ?? 1;
  if (count * prompts > maxChoices) {
    const what = prompts > 1 ? `n × prompts (${count} × ${prompts})` : `n (${count})`;
    throw invalidParam('n', `${what} is more than this server generates for one request (${maxChoices})`);
  }
  return count;
}
