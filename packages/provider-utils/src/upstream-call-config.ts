import { z } from 'zod';
import type { ApiCallOptions } from './post-to-api.js';

const milliseconds = z.coerce.number().int('must be a whole number of milliseconds').positive();

/**
 * The config fields every remote provider shares for its calls to the upstream, spread into its
 * config schema, so `remote::openai` and `remote::tgi` are tuned with the same words.
 */
export const upstreamCallConfigFields = {
  connect_timeout_ms: milliseconds
    .default(10_000)
    .describe(
      'How long the upstream may take to answer a streamed call (status and headers), and to answer /health. Default 10000.',
    ),
  read_timeout_ms: milliseconds
    .default(120_000)
    .describe(
      'How long a stream may stall between chunks, and how long an unstreamed answer (which arrives whole) may take. Default 120000.',
    ),
  max_retries: z.coerce
    .number()
    .int()
    .min(0)
    .default(2)
    .describe('Retries of an upstream 429 or 503, after its Retry-After or a backoff. Default 2.'),
  max_retry_delay_ms: milliseconds
    .default(10_000)
    .describe('The longest Retry-After waited out; a longer one is passed on to the client. Default 10000.'),
};

export type UpstreamCallConfig = z.output<z.ZodObject<typeof upstreamCallConfigFields>>;

/**
 * `callApi`'s gateway options for a call with `config`: an unstreamed answer arrives whole once
 * generated, so it gets the read timeout to arrive; a stream answers at once, then may stall for
 * the read timeout between chunks.
 */
export function upstreamCallOptions(
  config: UpstreamCallConfig,
  { streamed }: { streamed: boolean },
): Pick<ApiCallOptions<unknown>, 'connectTimeoutMs' | 'readTimeoutMs' | 'retry' | 'gateway'> {
  return {
    gateway: true,
    connectTimeoutMs: streamed ? config.connect_timeout_ms : config.read_timeout_ms,
    readTimeoutMs: config.read_timeout_ms,
    retry: { maxRetries: config.max_retries, maxDelayMs: config.max_retry_delay_ms },
  };
}
