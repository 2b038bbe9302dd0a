// biome-ignore-all lint/suspicious/noTemplateCurlyInString: manifests spell ${env.NAME} literally.
import { formatYamlPath, ManifestError, type ManifestProblem } from './manifest-error.js';

/** The environment substitution reads from; `process.env` by default. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface SubstituteEnvOptions {
  /** Default: `process.env`. */
  env?: Environment;
  /** Prepended to every reported path (when substituting a sub-tree). */
  pathPrefix?: readonly PropertyKey[];
  /** Return problems in the result instead of throwing them (to report them with others). */
  collectProblems?: boolean;
}

export interface SubstitutionResult<T = unknown> {
  value: T;
  /**
   * YAML paths of values that were exactly one substitution and came out empty; they are left out
   * of the result so a field's default applies (and a provider whose `provider_id` is here is dropped).
   */
  emptied: ReadonlySet<string>;
  /**
   * YAML paths of values that were exactly one substitution and read as a number or a boolean, with
   * the text they had. A schema that wants a string there can have it back (a numeric API key).
   */
  converted: ReadonlyMap<string, string>;
  /** With `collectProblems`: what would have been thrown. */
  problems: readonly ManifestProblem[];
}

// `${env.NAME}`, `${env.NAME:=default}`, `${env.NAME:+value}`; also the older `${env.NAME:default}`
// of Llama Stack and the shell's `${env.NAME:-default}`, both meaning `:=`.
const expression = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?:(:=|:\+|:-|:)([^}]*))?\}/g;
const wholeExpression = new RegExp(`^${expression.source}$`);

/**
 * Applies Llama Stack's `${env.…}` substitution to every string of a parsed YAML tree (keys are
 * left alone). Collects every problem (a required variable unset, a malformed expression) and throws
 * them together as a `ManifestError`, each naming its YAML path and both ways to fix it.
 */
export function substituteEnv<T = unknown>(
  tree: T,
  options: SubstituteEnvOptions = {},
): SubstitutionResult<T> {
  const env = options.env ?? process.env;
  const problems: ManifestProblem[] = [];
  const emptied = new Set<string>();
  const converted = new Map<string, string>();

  const visit = (value: unknown, path: PropertyKey[]): unknown => {
    if (typeof value === 'string') return substituteString(value, path);
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      value.forEach((item, index) => {
        const next = visit(item, [...path, index]);
        if (next !== undefined || item === undefined) items.push(next);
      });
      return items;
    }
    if (isPlainObject(value)) {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const next = visit(item, [...path, key]);
        if (next !== undefined || item === undefined) result[key] = next;
      }
      return result;
    }
    return value;
  };

  const substituteString = (text: string, path: PropertyKey[]): unknown => {
    if (!text.includes('${')) return text;
    const yamlPath = formatYamlPath(path);
    let failed = false;
    const replaced = text.replace(
      expression,
      (_match, name: string, operator: string | undefined, operand = '') => {
        const current = env[name];
        const isSet = current !== undefined && current !== '';
        if (operator === ':+') return isSet ? operand : '';
        if (operator !== undefined) return isSet ? current : operand;
        if (!isSet) {
          failed = true;
          problems.push({
            path: yamlPath,
            message:
              `environment variable ${name} is not set${current === '' ? ' (it is empty)' : ''}. ` +
              `Set it (export ${name}=..., or pass --env ${name}=... to llama-stack-ts run), ` +
              `or give it a default in the manifest: \${env.${name}:=<default>}.`,
          });
          return '';
        }
        return current;
      },
    );
    const leftover = replaced === text ? text : text.replace(expression, '');
    if (leftover.includes('${env.')) {
      const start = leftover.indexOf('${env.');
      problems.push({
        path: yamlPath,
        message:
          `malformed substitution near '${leftover.slice(start, start + 40)}'. ` +
          'Write ${env.NAME}, ${env.NAME:=default} or ${env.NAME:+value} (NAME: letters, digits, underscores).',
      });
      return text;
    }
    if (failed || !wholeExpression.test(text)) return replaced;
    // The whole value was one expression: type it the way YAML would have typed the literal.
    if (replaced === '') {
      emptied.add(yamlPath);
      return undefined;
    }
    const typed = toScalar(replaced);
    if (typed !== replaced) converted.set(yamlPath, replaced);
    return typed;
  };

  const value = visit(tree, [...(options.pathPrefix ?? [])]) as T;
  if (problems.length > 0 && !options.collectProblems) throw new ManifestError(problems);
  return { value, emptied, converted, problems };
}

function toScalar(text: string): unknown {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  // Leading zeros (a PIN, an octal mode) stay text; so do numbers too large to hold exactly.
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text)) {
    const number = Number(text);
    if (Number.isFinite(number) && (text.includes('.') || Number.isSafeInteger(number))) return number;
  }
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
