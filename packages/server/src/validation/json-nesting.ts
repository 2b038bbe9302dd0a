/**
 * How deep a request body may nest arrays and objects. Schema checks, JSON-schema grammars and
 * message rendering all recurse per level, and a body nested thousands deep overflows the stack
 * there; real requests (a JSON schema for `response_format` included) stay far below this.
 */
export const maxJsonNesting = 64;

/** An array or object still to look into, and how it was reached (for the path of an error). */
interface Container {
  value: object;
  depth: number;
  parent?: Container;
  key?: string;
}

/**
 * The path (`a.b.0.c`, shortened) to the first value of `value` nested deeper than `maxDepth`,
 * or `undefined` when none is. Walks with an explicit stack, so the check itself cannot overflow,
 * and visits containers only: every request body passes through it.
 */
export function findTooDeepJson(value: unknown, maxDepth: number = maxJsonNesting): string | undefined {
  const pending: Container[] = isContainer(value) ? [{ value, depth: 0 }] : [];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth >= maxDepth) return shortenedPath(pathOf(next));
    const container = next.value as Record<string, unknown>;
    for (const key in container) {
      const child = container[key];
      if (isContainer(child)) pending.push({ value: child, depth: next.depth + 1, parent: next, key });
    }
  }
  return undefined;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function pathOf(container: Container): string[] {
  const path: string[] = [];
  for (let at: Container | undefined = container; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}

function shortenedPath(path: readonly string[]): string {
  return path.length <= 6 ? path.join('.') : [...path.slice(0, 3), '…', ...path.slice(-2)].join('.');
}
