import { z } from 'zod';
import { JsonObject } from '../common/common-schemas.js';
import { identifier } from '../common/identifier.js';

/**
 * A memory bank registered with a memory_banks provider: a manifest's `memory_banks:` entry,
 * handed to the provider in `ProviderContext.memoryBanks` at start-up or through
 * `registerMemoryBank` later.
 */
export const MemoryBankRegistration = z
  .object({
    memory_bank_id: identifier('must name the memory bank (the bank_uuid clients use)').describe(
      'The bank uuid clients and agents use.',
    ),
    name: z.string().min(1).optional().describe('A human-readable name; default: memory_bank_id.'),
    provider_id: z
      .string()
      .min(1)
      .optional()
      .describe('The memory_banks provider storing it; may be left out when exactly one is configured.'),
    embedding_model: z
      .string()
      .min(1)
      .optional()
      .describe('A registered embedding model used to index documents.'),
    embedding_dimension: z.number().int().positive().optional(),
    params: JsonObject.default({}),
  })
  .strict();
export type MemoryBankRegistration = z.infer<typeof MemoryBankRegistration>;
