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
/** @typedef {import('./json-body-parse.js').LiftedStrings} LiftedStrings (json-body-parse.d.ts) */

/**
 * Strings at least this long leave the JSON body thread as UTF-8 in shared memory (see
 * `parseJsonBodyOnThread`), shorter ones in the structured clone of the parsed body.
 */
export const liftedStringChars = 16 * 1024;

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
 * `parseJsonBody` as the JSON body thread runs it: each string of the parsed body at least
 * `liftedStringChars` long is replaced by an empty one and written as UTF-8 into one
 * SharedArrayBuffer, which the structured clone back to the main thread shares instead of copying.
 * A clone's copy of the strings is made at once when the main thread reads the message: 15 MB of
 * them held its event loop for 100-150 ms, where fresh memory is slow to touch. The main thread
 * decodes them a slice at a time instead (`restoreLiftedStrings`, json-body-thread.ts).
 * @param {Uint8Array} bytes
 * @returns {JsonBodyOutcome}
 */
export function parseJsonBodyOnThread(bytes) {
  const outcome = parseJsonBody(bytes);
  if (outcome.kind !== 'parsed') return outcome;
  /** @type {{ parent: Record<string, unknown>, key: string, text: string }[]} */
  const found = [];
  /** @type {Record<string, unknown>[]} */
  const pending = [/** @type {Record<string, unknown>} */ (outcome)];
  for (let container = pending.pop(); container !== undefined; container = pending.pop()) {
    for (const key in container) {
      const child = container[key];
      if (typeof child === 'string' && child.length >= liftedStringChars)
        found.push({ parent: container, key, text: child });
      else if (isContainer(child)) pending.push(/** @type {Record<string, unknown>} */ (child));
    }
  }
  if (found.length === 0) return outcome;
  const sizes = found.map(({ text }) => Buffer.byteLength(text, 'utf8'));
  const buffer = new SharedArrayBuffer(sizes.reduce((sum, size) => sum + size, 0));
  const shared = Buffer.from(buffer);
  /** @type {LiftedStrings['strings']} */
  const strings = [];
  let offset = 0;
  found.forEach(({ parent, key, text }, index) => {
    shared.write(text, offset, 'utf8');
    strings.push({ parent, key, start: offset, end: offset + /** @type {number} */ (sizes[index]) });
    offset += /** @type {number} */ (sizes[index]);
    parent[key] = '';
  });
  // The outcome itself, not a copy: a body that is one long string has its place in it.
  return Object.assign(outcome, { lifted: { buffer, strings } });
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
