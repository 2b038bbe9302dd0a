// Types of json-body-parse.js (JavaScript, so that the JSON body thread runs it as it is).

/** What reading a body came to. */
export type JsonBodyOutcome =
  | { kind: 'empty' }
  | { kind: 'parsed'; body: unknown }
  | { kind: 'malformed'; reason: string }
  | { kind: 'too-deep'; path: string };

/** How deep a request body may nest arrays and objects. */
export declare const maxJsonNesting: number;

/** Parses a request body (its text or its bytes) and checks its nesting. */
export default function parseJsonBody(input: string | Uint8Array): JsonBodyOutcome;

/** The path to the first value of `value` nested deeper than `maxDepth`, or `undefined`. */
export declare function findTooDeepJson(value: unknown, maxDepth?: number): string | undefined;
