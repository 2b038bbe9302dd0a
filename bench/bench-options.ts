import { join, resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { modelsDir, requireModelFolders } from './test-models.js';

type BenchOptions = NonNullable<ParseArgsConfig['options']>;

/** `--model` and `--embedding-model`: the models a benchmark starts the stack with. */
export const stackModelOptions = {
  model: { type: 'string', default: join(modelsDir, 'stories260K.gguf') },
  'embedding-model': { type: 'string', default: join(modelsDir, 'synthetic/tiny-random-bert-embedder') },
} as const;

/** `--cpu-prof <dir>`: a V8 CPU profile of the stack's process is written there. */
export const cpuProfOption = { 'cpu-prof': { type: 'string' } } as const;

/** The node flags that write the stack's CPU profile into `--cpu-prof <dir>`, if it was given. */
export function cpuProfNodeFlags(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`] : [];
}

/** The benchmark's flags; `pnpm run <bench> -- --runs 9` may hand the `--` on. */
export function parseBenchArgs<const Options extends BenchOptions>(
  options: Options,
): ReturnType<typeof parseArgs<{ args: string[]; options: Options }>>['values'] {
  const args = process.argv.slice(2);
  return parseArgs({ args: args[0] === '--' ? args.slice(1) : args, options }).values;
}

/** Each flag's value as an integer of at least `minimum`, or an error that names the flag. */
export function integerFlags<const Name extends string>(
  flags: Record<Name, string>,
  minimum = 1,
): Record<Name, number> {
  const numbers = {} as Record<Name, number>;
  for (const name of Object.keys(flags) as Name[]) {
    const value = Number(flags[name]);
    if (!Number.isInteger(value) || value < minimum)
      throw new Error(`--${name} must be an integer of at least ${minimum}, got '${flags[name]}'.`);
    numbers[name] = value;
  }
  return numbers;
}

/** The absolute paths of `--model` and `--embedding-model`; exits naming the first that is missing. */
export function stackModelPaths(values: { model: string; 'embedding-model': string }): {
  modelPath: string;
  embeddingModel: string;
} {
  const modelPath = resolve(values.model);
  const embeddingModel = resolve(values['embedding-model']);
  requireModelFolders([modelPath, embeddingModel]);
  return { modelPath, embeddingModel };
}

/** The items named by a comma-separated `--<flag>` list, each word matching part of a name. */
export function pickByName<Item extends { name: string }>(
  items: readonly Item[],
  words: string,
  flag: string,
): Item[] {
  return words
    .split(',')
    .map((word) => word.trim().toLowerCase())
    .map((word) => {
      const item = items.find((candidate) => candidate.name.toLowerCase().includes(word));
      if (!item)
        throw new Error(`--${flag}: no name matches '${word}' (${items.map(({ name }) => name).join(', ')})`);
      return item;
    });
}
