import { z } from 'zod';

/** The id of a resource a manifest registers (a shield, a memory bank, a provider instance). */
export const RegistrationId = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^[^\s]+$/, 'must not contain whitespace');
