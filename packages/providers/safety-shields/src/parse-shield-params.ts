import { InvalidRequestError, type JsonObject } from '@llama-stack-ts/core';
import type { z } from 'zod';

/**
 * Parses a shield's merged params (configured, then the request's). A bad value is a 400 that
 * names `params.<field>` and the shield, since it may come from the request or the manifest.
 */
export function parseShieldParams<Schema extends z.ZodType>(
  schema: Schema,
  params: JsonObject,
  shieldId: string,
): z.infer<Schema> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = ['params', ...(issue?.path ?? []).map(String)].join('.');
  throw new InvalidRequestError(
    path,
    `${issue?.message ?? 'invalid'} (shield '${shieldId}'; set it in the request's params or the shield's params in distribution.yaml)`,
  );
}
