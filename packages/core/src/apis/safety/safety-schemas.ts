import { z } from 'zod';
import { JsonObject, Message, SafetyViolation } from '../common/common-schemas.js';

/**
 * Wire types of the standalone Safety API. The July 2024 draft only runs shields inside agents;
 * `POST /safety/run_shield` follows later Llama Stack versions and is experimental.
 */

const shieldName = z
  .string()
  .min(1, 'must name a shield')
  .describe(
    'A ShieldType (llama_guard, prompt_guard, code_guard) or the id of a shield the distribution registers.',
  );

/**
 * Runs one shield over a conversation. `shield_id` (the later Llama Stack name) is accepted as an
 * alias of `shield_type`; the parsed request always carries `shield_type`.
 */
export const RunShieldRequest = z
  .object({
    shield_type: shieldName.optional(),
    shield_id: shieldName
      .optional()
      .describe('Alias of `shield_type` (later Llama Stack). Normalised to `shield_type`.'),
    messages: z
      .array(Message)
      .min(1, 'must hold at least one message to check')
      .describe('The conversation to check, oldest first.'),
    params: JsonObject.default({}).describe('Shield-specific settings, e.g. the categories to exclude.'),
  })
  .superRefine((value, ctx) => {
    if (value.shield_type === undefined && value.shield_id === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['shield_type'],
        message: 'required: a ShieldType or the id of a registered shield (or `shield_id`)',
      });
    } else if (
      value.shield_type !== undefined &&
      value.shield_id !== undefined &&
      value.shield_type !== value.shield_id
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['shield_id'],
        message: `names '${value.shield_id}' but \`shield_type\` names '${value.shield_type}'; send one of them`,
      });
    }
  })
  .transform(({ shield_type, shield_id, ...rest }) => ({
    shield_type: shield_type ?? shield_id ?? '',
    ...rest,
  }))
  .meta({
    id: 'RunShieldRequest',
    description:
      'Check a conversation with one shield. Name it with `shield_type` or its alias `shield_id`; the server normalises to `shield_type`.',
  });
export type RunShieldRequest = z.infer<typeof RunShieldRequest>;
export type RunShieldRequestInput = z.input<typeof RunShieldRequest>;

export const RunShieldResponse = z
  .object({
    violation: SafetyViolation.nullable()
      .default(null)
      .describe('What the shield found; null when the conversation is safe.'),
  })
  .meta({ id: 'RunShieldResponse' });
export type RunShieldResponse = z.infer<typeof RunShieldResponse>;
