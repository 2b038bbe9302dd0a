import { invalidParam, parseOpenAiRequest } from '@llama-stack-ts/openai-compat';
import type { Context } from 'hono';
import type { z } from 'zod';
import { readJsonBody } from '../validation/read-json-body.js';

/** Reads the JSON body and validates it with `schema` (`parseOpenAiRequest`); unparseable JSON is a 400. */
export async function parseOpenAiBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  const raw = await readJsonBody(c, {
    malformed: () =>
      invalidParam(
        '',
        'We could not parse the JSON body of your request. Send a JSON object with Content-Type: application/json.',
      ),
  });
  return parseOpenAiRequest(schema, raw);
}
