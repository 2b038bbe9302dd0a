import type { Message } from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import type { LlamaContextSequence } from 'node-llama-cpp';

/**
 * What a request reads, as a string whose prefixes stand for the prefixes of its prompt: a
 * request whose key starts with what a sequence holds can continue that sequence's KV cache (node-
 * llama-cpp re-reads only the tokens after the common start). Messages are keyed by role and text,
 * not by the chat template's rendering, so the key is known before the model is.
 */
export function messagesAffinityKey(messages: readonly Pick<Message, 'role' | 'content'>[]): string {
  return messages.map((message) => turnKey(message.role, contentToText(message.content))).join('');
}

/** What a sequence holds after answering `requestKey` with `answer` as the assistant's turn. */
export function answeredAffinityKey(requestKey: string, answer: string): string {
  return requestKey + turnKey('assistant', answer);
}

function turnKey(role: string, text: string): string {
  return `\u0000${role}\u0000${text}`;
}

/**
 * The free sequences of one model and what each holds, handed out so that a request continues the
 * sequence holding the longest start of its prompt, counted only when it covers at least the
 * first whole turn (a shared system prompt, a conversation going on); a request that continues none
 * takes the one freed longest ago, keeping the recently used caches for their follow-ups (an
 * agent's next turn, a judge scoring the answer just generated).
 */
export class FreeSequences {
  /** Least recently freed first. */
  readonly #free: LlamaContextSequence[] = [];
  readonly #holds = new WeakMap<LlamaContextSequence, string>();

  get size(): number {
    return this.#free.length;
  }

  /** Takes the free sequence that suits `affinityKey` best; undefined when none is free. */
  take(affinityKey = ''): LlamaContextSequence | undefined {
    let best = 0;
    let bestShared = 0;
    for (const [index, sequence] of this.#free.entries()) {
      const holds = this.#holds.get(sequence) ?? '';
      const shared = sharedPrefixLength(holds, affinityKey);
      if (shared >= firstTurnEnd(holds) && shared > bestShared) {
        best = index;
        bestShared = shared;
      }
    }
    const [sequence] = this.#free.splice(best, 1);
    if (sequence) this.#holds.delete(sequence);
    return sequence;
  }

  /** Frees `sequence`; `holds` is the key of what its cache now holds (none: unknown). */
  give(sequence: LlamaContextSequence, holds: string | undefined): void {
    if (holds) this.#holds.set(sequence, holds);
    this.#free.push(sequence);
  }
}

/** Where the first turn of a key ends; a key with no turn never counts as continued. */
function firstTurnEnd(key: string): number {
  if (key.length === 0) return 1;
  const textStart = key.indexOf('\u0000', 1) + 1;
  const next = key.indexOf('\u0000', textStart);
  return next === -1 ? key.length : next;
}

function sharedPrefixLength(a: string, b: string): number {
  const most = Math.min(a.length, b.length);
  let index = 0;
  while (index < most && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}
