import { z } from 'zod';
import { ModelId } from '../common/common-schemas.js';

/**
 * Tokenization: an optional Inference operation (`Inference.tokenize`), an extension used by the
 * TGI-compatible `/tokenize` route and by `truncate`. A provider that owns a tokenizer implements it.
 */
export const TokenizeRequest = z
  .object({
    model: ModelId.describe('The id of a registered model whose tokenizer to use.'),
    content: z.string().describe('The text to tokenize, as a raw prompt (no chat template).'),
  })
  .meta({ id: 'TokenizeRequest' });
export type TokenizeRequest = z.infer<typeof TokenizeRequest>;

export const TokenizedToken = z
  .object({
    id: z.number().int().min(0).describe("The token's id in the model's vocabulary."),
    text: z.string().describe('The text of the token as it decodes; empty for a special token with no text.'),
    special: z
      .boolean()
      .optional()
      .describe('Whether it is a special (control) token, such as beginning-of-sequence.'),
  })
  .meta({ id: 'TokenizedToken' });
export type TokenizedToken = z.infer<typeof TokenizedToken>;

export const TokenizeResponse = z
  .object({
    tokens: z
      .array(TokenizedToken)
      .describe('The tokens the model would read for `content`, in order, special tokens included.'),
  })
  .meta({ id: 'TokenizeResponse' });
export type TokenizeResponse = z.infer<typeof TokenizeResponse>;
