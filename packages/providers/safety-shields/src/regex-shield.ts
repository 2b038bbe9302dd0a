import {
  InvalidRequestError,
  type JsonObject,
  type Message,
  type SafetyViolation,
} from '@llama-stack-ts/core';
import { z } from 'zod';
import { messageText } from './message-text.js';
import { parseShieldParams } from './parse-shield-params.js';
import type { Shield } from './shield.js';

export const RegexShieldParams = z
  .object({
    terms: z
      .array(z.string().min(1))
      .default([])
      .describe('Banned words or phrases, matched as whole words, case-insensitively unless case_sensitive.'),
    patterns: z
      .array(z.string().min(1))
      .default([])
      .describe('Banned regular expressions (JavaScript syntax), matched anywhere in a message.'),
    case_sensitive: z.boolean().default(false).describe('Default false.'),
    roles: z
      .array(z.enum(['system', 'user', 'assistant', 'tool']))
      .default(['user', 'assistant', 'tool'])
      .describe(
        'Roles whose messages are checked. Default: user, assistant, tool (system prompts are trusted).',
      ),
  })
  .loose();

export const regexSuggestedResponse = "I can't help with that.";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `regex`: banned terms and patterns. The violation names what matched and where. */
export class RegexShield implements Shield {
  readonly shieldType = 'regex';

  constructor(readonly shieldId: string) {}

  async run(messages: readonly Message[], params: JsonObject): Promise<SafetyViolation | null> {
    const options = parseShieldParams(RegexShieldParams, params, this.shieldId);
    const flags = options.case_sensitive ? 'u' : 'iu';
    const matchers = [
      // \b fails beside non-word characters, so a term is bounded by "not a letter or digit" instead.
      ...options.terms.map((term) => ({
        label: `term '${term}'`,
        regex: new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(term)}(?![\\p{L}\\p{N}_])`, flags),
      })),
      ...options.patterns.map((pattern, index) => {
        try {
          return { label: `pattern /${pattern}/`, regex: new RegExp(pattern, flags) };
        } catch (error) {
          throw new InvalidRequestError(
            `params.patterns.${index}`,
            `${(error as Error).message} (shield '${this.shieldId}'; write a JavaScript regular expression)`,
          );
        }
      }),
    ];
    if (matchers.length === 0) return null;
    const hits: string[] = [];
    messages.forEach((message, index) => {
      if (!options.roles.includes(message.role)) return;
      const text = messageText(message);
      for (const matcher of matchers) {
        if (matcher.regex.test(text))
          hits.push(`message ${index} (${message.role}) matches ${matcher.label}`);
      }
    });
    if (hits.length === 0) return null;
    return {
      violation_type: 'banned_content',
      details: hits.join('\n'),
      suggested_user_response: regexSuggestedResponse,
    };
  }
}
