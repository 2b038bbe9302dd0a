/**
 * How deep a request body may nest arrays and objects. Schema checks, JSON-schema grammars and
 * message rendering all recurse per level, and a body nested thousands deep overflows the stack
 * there; real requests (a JSON schema for `response_format` included) stay far below this.
 */
export const maxJsonNesting = 64;

/**
 * The path (`a.b.0.c`, shortened) to the first value of `value` nested deeper than `maxDepth`,
 * or `undefined` when none is. Walks with an explicit stack, so the check itself cannot overflow.
 */
export function findTooDeepJson(value: unknown, maxDepth: number = maxJsonNesting): string | undefined {
  const pending: { value: unknown; depth: number; path: readonly string[] }[] = [
    { value, depth: 0, path: [] },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= maxDepth) return shortenedPath(next.path);
    for (const [key, child] of Object.entries(next.value)) {
      pending.push({ value: child, depth: next.depth + 1, path: [...next.path, key] });
    }
  }
  return undefined;
}

function shortenedPath(path: readonly string[]): string {
  return path.length <= 6 ? path.join('.') : [...path.slice(0, 3), '…', ...path.slice(-2)].join('.');
}
