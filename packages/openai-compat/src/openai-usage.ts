import type { TokenUsage } from '@llama-stack-ts/core';
import type { OpenAiUsage } from './openai-response-schemas.js';

/**
 * Adds up the token counts of a request's choices: the prompt once per distinct prompt, the
 * generated tokens of every choice. Counts come from the providers' `usage`; where a provider
 * reports none, the tokens seen (log-probability entries or streamed pieces) stand in for the
 * generated count and the prompt counts 0.
 */
export class UsageTotals {
  #prompt = 0;
  #completion = 0;

  /** `firstOfPrompt`: the first choice generated for its prompt (its prompt tokens count). */
  add(usage: TokenUsage | null | undefined, countedTokens: number, firstOfPrompt: boolean): void {
    if (firstOfPrompt) this.#prompt += usage?.prompt_tokens ?? 0;
    this.#completion += usage?.completion_tokens ?? countedTokens;
  }

  toJSON(): OpenAiUsage {
    return {
      prompt_tokens: this.#prompt,
      completion_tokens: this.#completion,
      total_tokens: this.#prompt + this.#completion,
    };
  }
}
