import {
  ChatCompletionRequest,
  type Inference,
  InvalidRequestError,
  type JsonObject,
  type Message,
  type RequestOptions,
  type SafetyViolation,
  StackError,
} from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import { z } from 'zod';
import { parseShieldParams } from '../parse-shield-params.js';
import type { Shield } from '../shield.js';
import {
  type LlamaGuardCategoryCode,
  llamaGuardCategories,
  llamaGuardCategoryCodes,
} from './llama-guard-categories.js';
import { parseLlamaGuardVerdict } from './parse-llama-guard-verdict.js';
import { llamaGuardVerdictGrammar, renderLlamaGuardPrompt } from './render-llama-guard-prompt.js';

const categoryCode = z.enum(llamaGuardCategoryCodes as [LlamaGuardCategoryCode, ...LlamaGuardCategoryCode[]]);

export const LlamaGuardParams = z
  .object({
    model: z
      .string()
      .min(1, 'must name the guard model')
      .describe(
        'The registered model id of the guard model (e.g. Llama-Guard-3-1B), served by the inference API.',
      ),
    excluded_categories: z
      .array(categoryCode)
      .default([])
      .describe('Category codes (S1..S14) not to check. Default: none.'),
    categories: z
      .array(categoryCode)
      .optional()
      .describe('Category codes to check. Default: S1..S14 (Llama Guard 3 1B knows S1..S13).'),
    max_tokens: z
      .number()
      .int()
      .positive()
      .default(24)
      .describe('Tokens the verdict may take. Default 24: "unsafe" and a few codes.'),
  })
  .loose();

export const llamaGuardSuggestedResponse = "I can't answer that. Can I help with something else?";

/**
 * `llama_guard`: asks a Llama Guard model, through the stack's inference API, whether the last
 * message of the conversation is safe. The answer is constrained by a GBNF grammar to `safe` or
 * `unsafe\n<codes>`, and an unsafe verdict becomes a violation whose `violation_type` is the codes.
 */
export class LlamaGuardShield implements Shield {
  readonly shieldType = 'llama_guard';

  constructor(
    readonly shieldId: string,
    private readonly inference: Inference | undefined,
  ) {}

  async run(
    messages: readonly Message[],
    params: JsonObject,
    options: RequestOptions = {},
  ): Promise<SafetyViolation | null> {
    const settings = parseShieldParams(LlamaGuardParams, params, this.shieldId);
    if (!this.inference) {
      throw new StackError(
        503,
        'dependency_unavailable',
        `Shield '${this.shieldId}' (llama_guard) needs the inference API; add an inference provider to distribution.yaml.`,
      );
    }
    const categories = (settings.categories ?? llamaGuardCategoryCodes).filter(
      (code) => !settings.excluded_categories.includes(code),
    );
    if (categories.length === 0) {
      throw new InvalidRequestError(
        'params.excluded_categories',
        `excludes every category shield '${this.shieldId}' checks; leave at least one`,
      );
    }
    if (messages.every((message) => message.role === 'system')) return null;
    const request = ChatCompletionRequest.parse({
      model: settings.model,
      messages: [{ role: 'user', content: renderLlamaGuardPrompt(messages, { categories }) }],
      sampling_params: { strategy: 'greedy', temperature: 0 },
      max_tokens: settings.max_tokens,
      response_format: { type: 'grammar', bnf: llamaGuardVerdictGrammar(categories) },
    });
    const response = await this.inference.chatCompletion(request, options);
    const text = contentToText(response.content);
    const verdict = parseLlamaGuardVerdict(text);
    if (verdict.safe === true) return null;
    if (verdict.safe === undefined) {
      throw new StackError(
        502,
        'invalid_shield_response',
        `Guard model '${settings.model}' of shield '${this.shieldId}' answered unparseably (${verdict.reason}). Check that it is a Llama Guard model and that its provider honours grammar response formats.`,
      );
    }
    // An `unsafe` cut off before its codes still blocks: the model's first line is the verdict.
    const codes = verdict.categories.filter((code) => categories.includes(code));
    const named = codes.map((code) => `${code} (${llamaGuardCategories[code]})`);
    return {
      violation_type: codes.length > 0 ? codes.join(',') : 'unsafe',
      details: `Llama Guard (${settings.model}) judged the last ${messages.at(-1)?.role ?? 'user'} message unsafe${named.length > 0 ? `: ${named.join(', ')}` : ''}.`,
      suggested_user_response: llamaGuardSuggestedResponse,
    };
  }
}
