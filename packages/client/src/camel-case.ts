import type { CamelCase } from './client-route.js';

/** `agentic_system` → `agenticSystem`, the key an API's methods are grouped under. */
export function camelCase<Name extends string>(name: Name): CamelCase<Name> {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()) as CamelCase<Name>;
}
