// Types of json-body-parse.js (JavaScript, so that the JSON body thread runs it as it is).

/** What reading a body came to. */
export type JsonBodyOutcome =
  | { kind: 'empty' }
  | { kind: 'parsed'; body: unknown; lifted?: LiftedStrings }
  | { kind: 'malformed'; reason: string }
  | { kind: 'too-deep'; path: string };

/** Long strings of a parsed body, as UTF-8 in shared memory, and where each goes back. */
export interface LiftedStrings {
  buffer: SharedArrayBuffer;
  /** `parent[key]` holds an empty string until the bytes from `start` to `end` are decoded into it. */
  strings: { parent: Record<string, unknown>; key: string; start: number; end: number }[];
}

/** Strings at least this long leave the JSON body thread in shared memory. */
export declare const liftedStringChars: number;

/** `parseJsonBody` on the JSON body thread: long strings of the body lifted into `lifted`. */
export declare function parseJsonBodyOnThread(bytes: Uint8Array): JsonBodyOutcome;

/** How deep a request body may nest arrays and objects. */
export declare const maxJsonNesting: number;

/** Parses a request body (its text or its bytes) and checks its nesting. */
export default function parseJsonBody(input: string | Uint8Array): JsonBodyOutcome;

/** The path to the first value of `value` nested deeper than `maxDepth`, or `undefined`. */
export declare function findTooDeepJson(value: unknown, maxDepth?: number): string | undefined;
