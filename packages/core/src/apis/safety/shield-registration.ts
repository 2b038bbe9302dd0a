import { z } from 'zod';
import { JsonObject } from '../common/common-schemas.js';
import { identifier } from '../common/identifier.js';

/**
 * A shield registered with a safety provider: a manifest's `shields:` entry, handed to the
 * provider in `ProviderContext.shields` at start-up or through `registerShield` later.
 */
export const ShieldRegistration = z
  .object({
    shield_id: identifier('must name the shield').describe(
      'The id agents and safety calls use to name the shield.',
    ),
    provider_id: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The safety provider running it; may be left out when exactly one safety provider is configured.',
      ),
    provider_shield_id: z
      .string()
      .min(1)
      .nullish()
      .describe("The shield's id inside its provider; default: shield_id."),
    shield_type: z
      .string()
      .min(1)
      .optional()
      .describe('llama_guard, prompt_guard, code_guard, or a provider-specific type.'),
    params: JsonObject.default({}),
  })
  .strict();
export type ShieldRegistration = z.infer<typeof ShieldRegistration>;
