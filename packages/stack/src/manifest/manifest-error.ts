const symbol = Symbol.for('llama-stack-ts.manifest-error');

/** One thing wrong with a manifest, at a YAML path such as `providers.inference[0].config.model_path`. */
export interface ManifestProblem {
  path: string;
  message: string;
}

/**
 * A distribution manifest that cannot be started: every problem found, each with its YAML path and
 * what to change. Nothing has been started when this is thrown.
 */
export class ManifestError extends Error {
  readonly [symbol] = true;
  readonly problems: readonly ManifestProblem[];
  /** The manifest file, when it was read from one. */
  readonly source: string | undefined;

  constructor(problems: readonly ManifestProblem[], source?: string) {
    const where = source ? ` ${source}` : '';
    const header =
      problems.length === 1
        ? `Distribution manifest${where} has a problem:`
        : `Distribution manifest${where} has ${problems.length} problems:`;
    super(`${header}\n${problems.map((problem) => `  - ${formatProblem(problem)}`).join('\n')}`);
    this.name = 'ManifestError';
    this.problems = problems;
    this.source = source;
  }

  static isInstance(error: unknown): error is ManifestError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[symbol] === true;
  }
}

function formatProblem(problem: ManifestProblem): string {
  return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
}

/** `providers.inference[0].config.model_path` from `['providers', 'inference', 0, 'config', 'model_path']`. */
export function formatYamlPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text;
}
