// @ts-check
// How a request body's JSON is read, on the main thread for small bodies and on the JSON body
// thread for large ones (json-body-thread.ts runs this file as a Piscina worker). JavaScript, not
// TypeScript: a worker thread runs this file as it is, from src/ in tests and from dist/ (a tsup
// entry) in use.

/**
 * How deep a request body may nest arrays and objects. Schema checks, JSON-schema grammars and
 * message rendering all recurse per level, and a body nested thousands deep overflows the stack
 * there; real requests (a JSON schema for `response_format` included) stay far below this.
 */
export const maxJsonNesting = 64;

/** @typedef {import('./json-body-parse.js').JsonBodyOutcome} JsonBodyOutcome (json-body-parse.d.ts) */

/**
 * An array or object still to look into, and how it was reached (for the path of an error).
 * @typedef {{ value: object, depth: number, parent?: Container, key?: string }} Container
 */

const decoder = new TextDecoder();

/**
 * Parses a request body (its text or its bytes) and checks its nesting, so that a body nested too
 * deep never reaches the thread that asked: a structured clone of it would recurse as deep.
 * @param {string | Uint8Array} input
 * @returns {JsonBodyOutcome}
 */
export default function parseJsonBody(input) {
  const text = typeof input === 'string' ? input : decoder.decode(input);
  if (text.trim() === '') return { kind: 'empty' };
  let body;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { kind: 'malformed', reason: error instanceof Error ? error.message : String(error) };
  }
  const tooDeep = findTooDeepJson(body);
  return tooDeep === undefined ? { kind: 'parsed', body } : { kind: 'too-deep', path: tooDeep };
}

/**
 * The path (`a.b.0.c`, shortened) to the first value of `value` nested deeper than `maxDepth`,
 * or `undefined` when none is. Walks with an explicit stack, so the check itself cannot overflow,
 * and visits containers only: every request body passes through it.
 * @param {unknown} value
 * @param {number} [maxDepth]
 * @returns {string | undefined}
 */
export function findTooDeepJson(value, maxDepth = maxJsonNesting) {
  /** @type {Container[]} */
  const pending = isContainer(value) ? [{ value, depth: 0 }] : [];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth >= maxDepth) return shortenedPath(pathOf(next));
    const container = /** @type {Record<string, unknown>} */ (next.value);
    for (const key in container) {
      const child = container[key];
      if (isContainer(child)) pending.push({ value: child, depth: next.depth + 1, parent: next, key });
    }
  }
  return undefined;
}

/**
 * @param {unknown} value
 * @returns {value is object}
 */
function isContainer(value) {
  return typeof value === 'object' && value !== null;
}

/** @param {Container} container */
function pathOf(container) {
  /** @type {string[]} */
  const path = [];
  for (let at = /** @type {Container | undefined} */ (container); at?.key !== undefined; at = at.parent)
    path.unshift(at.key);
  return path;
}

/** @param {readonly string[]} path */
function shortenedPath(path) {
  return path.length <= 6 ? path.join('.') : [...path.slice(0, 3), '…', ...path.slice(-2)].join('.');
}
