import { z } from 'zod';

export const ProviderHealthReport = z
  .object({
    provider_id: z.string(),
    provider_type: z.string(),
    status: z.enum(['ok', 'error']),
    message: z.string().optional(),
  })
  .meta({ id: 'ProviderHealthReport', description: "One provider's health." });
export type ProviderHealthReport = z.infer<typeof ProviderHealthReport>;

export const HealthResponse = z
  .object({
    status: z.enum(['ok', 'error']).describe('`error` (and HTTP 503) when any provider reports an error.'),
    distribution: z.string(),
    providers: z.array(ProviderHealthReport),
  })
  .meta({ id: 'HealthResponse' });
export type HealthResponse = z.infer<typeof HealthResponse>;

export const VersionResponse = z
  .object({
    version: z.string().describe('Version of @llama-stack-ts/server.'),
    distribution: z.string().describe('Name of the distribution being served.'),
  })
  .meta({ id: 'VersionResponse' });
export type VersionResponse = z.infer<typeof VersionResponse>;
