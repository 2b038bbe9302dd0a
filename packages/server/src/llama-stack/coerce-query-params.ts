import type { z } from 'zod';

/**
 * Turns the raw query string values of a request into the types its query schema expects, so route
 * tables can declare `limit: z.number()` or `ids: z.array(z.string())` instead of strings. Values
 * that do not convert are left as strings: the schema then rejects them and names the parameter.
 */
export function coerceQueryParams(
  schema: z.ZodObject,
  queries: Record<string, string[]>,
): Record<string, unknown> {
  const shape = schema.shape as Record<string, z.ZodType>;
  const params: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(queries)) {
    const field = shape[name];
    if (!field) {
      params[name] = values.at(-1);
      continue;
    }
    const type = unwrap(field);
    if (type._zod.def.type === 'array') {
      const element = (type._zod.def as unknown as { element: z.ZodType }).element;
      params[name] = values.map((value) => coerceScalar(element, value));
    } else {
      // A repeated scalar parameter keeps its last value, as most frameworks do.
      params[name] = coerceScalar(type, values.at(-1) ?? '');
    }
  }
  return params;
}

/** Looks through optional/default/nullable/readonly/pipe wrappers to the type that parses the value. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 16; depth++) {
    const def = current._zod.def as unknown as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

function coerceScalar(schema: z.ZodType, value: string): unknown {
  const type = unwrap(schema);
  switch (type._zod.def.type) {
    case 'number': {
      const number = Number(value);
      return value.trim() !== '' && Number.isFinite(number) ? number : value;
    }
    case 'boolean':
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      return value;
    case 'null':
      return value === 'null' ? null : value;
    case 'object':
    case 'record':
    case 'array':
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    default:
      return value;
  }
}
