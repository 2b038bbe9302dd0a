import { apiNames } from '@llama-stack-ts/core';
import type { z } from 'zod';
import { formatYamlPath, type ManifestProblem } from './manifest-error.js';

/** Llama Stack API names a run.yaml may carry, and ours. */
const apiNameHints: Readonly<Record<string, string>> = {
  agents: 'agentic_system',
  memory: 'memory_banks',
  vector_io: 'memory_banks',
  datasetio: 'datasets',
  scoring: 'reward_scoring',
};

export interface IssuesToProblemsOptions {
  /** Path of the parsed value inside the manifest (`providers.inference[0].config`). */
  prefix?: readonly PropertyKey[];
  /** Maps a manifest path to the one the user wrote (indices before disabled entries were dropped). */
  toOriginal?: (path: readonly PropertyKey[]) => PropertyKey[];
}

/** One problem per zod issue, each at its YAML path, unknown keys listed with the keys allowed there. */
export function issuesToProblems(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  options: IssuesToProblemsOptions = {},
): ManifestProblem[] {
  const toOriginal = options.toOriginal ?? ((path: readonly PropertyKey[]) => [...path]);
  const problems: ManifestProblem[] = [];
  for (const issue of issues) {
    const path = [...(options.prefix ?? []), ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const allowed = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        problems.push({
          path: formatYamlPath(toOriginal([...path, key])),
          message: unknownKeyMessage(path, key, allowed),
        });
      }
      continue;
    }
    problems.push({ path: formatYamlPath(toOriginal(path)) || '(root)', message: issueMessage(issue) });
  }
  return problems;
}

function unknownKeyMessage(path: readonly PropertyKey[], key: string, allowed: readonly string[]): string {
  if (path.length === 1 && path[0] === 'providers') {
    const hint = apiNameHints[key];
    return (
      `unknown API '${key}'${hint && hint !== key ? ` (Llama Stack's '${key}' is '${hint}' here)` : ''}. ` +
      `APIs: ${apiNames.join(', ')}.`
    );
  }
  const expected = allowed.length > 0 ? ` Allowed here: ${allowed.join(', ')}.` : '';
  return `unknown key '${key}'; check its spelling and indentation.${expected}`;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  // zod 4 keeps the input out of issues unless asked, so a missing value shows only in the message.
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined'))
    return `required (expected ${issue.expected})`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** Keys of the object schema found at `path`, through optional, default, preprocess, array and record. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.core.$ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (!current) return [];
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'object') {
      current = unwrap((def.shape as Record<string, z.core.$ZodType>)[String(segment)]);
    } else if (def.type === 'array') {
      current = unwrap(def.element as z.core.$ZodType);
    } else if (def.type === 'record') {
      current = unwrap(def.valueType as z.core.$ZodType);
    } else {
      return [];
    }
  }
  const def = current?._zod.def as unknown as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 20; depth++) {
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    if (
      def.type === 'optional' ||
      def.type === 'default' ||
      def.type === 'nullable' ||
      def.type === 'prefault'
    ) {
      current = def.innerType as z.core.$ZodType;
    } else if (def.type === 'pipe') {
      // A transform after the schema (`orEmpty`) reads the input side; a preprocess, the output side.
      const out = def.out as z.core.$ZodType;
      current = (out._zod.def as { type: string }).type === 'transform' ? (def.in as z.core.$ZodType) : out;
    } else {
      return current;
    }
  }
  return current;
}

/**
 * Parses `value`, giving back as text any value a substitution had turned into a number or boolean
 * where the schema wants a string (an API key of digits), then parsing again.
 */
export function safeParseWithConvertedText<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  converted: ReadonlyMap<string, string> | undefined,
  pathOf: (issuePath: readonly PropertyKey[]) => string,
): z.ZodSafeParseResult<z.output<Schema>> {
  let current = value;
  for (let attempt = 0; ; attempt++) {
    const result = schema.safeParse(current);
    if (result.success || !converted || converted.size === 0 || attempt >= 20) return result;
    let changed = false;
    for (const issue of result.error.issues) {
      if (issue.code !== 'invalid_type' || issue.expected !== 'string' || issue.path.length === 0) continue;
      const text = converted.get(pathOf(issue.path));
      if (text === undefined) continue;
      current = setAtPath(current, issue.path, text);
      changed = true;
    }
    if (!changed) return result;
  }
}

function setAtPath(root: unknown, path: readonly PropertyKey[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[head as number] = setAtPath(copy[head as number], rest, replacement);
    return copy;
  }
  const record = (root ?? {}) as Record<PropertyKey, unknown>;
  return { ...record, [head]: setAtPath(record[head], rest, replacement) };
}
