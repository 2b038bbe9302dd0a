import { z } from 'zod';

/**
 * The JSON body of every non-2xx answer of a llama-stack-ts server's own routes, and of a stream's
 * `event: error`: what the server writes and the client reads back into a `StackError`.
 */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe('Stable machine-readable code: `invalid_request`, `not_found`, `internal_error`...'),
      message: z.string().describe('What went wrong and how to fix it.'),
      field: z.string().optional().describe('The request field at fault, as a dotted path.'),
      details: z
        .record(z.string(), z.union([z.string(), z.number()]))
        .optional()
        .describe("The values the message is built from (a `not_found`'s `kind` and `id`...)."),
      request_id: z
        .string()
        .describe('The `X-Request-Id` of the request; quote it when reporting a problem.'),
    }),
  })
  .meta({ id: 'ErrorResponse', description: 'The body of an error answer.' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;
