import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { formatYamlPath, ManifestError, type ManifestProblem } from './manifest-error.js';
import { setManifestOrigin, toOriginalPath } from './manifest-origin.js';
import { DistributionManifest } from './manifest-schema.js';
import { type Environment, substituteEnv } from './substitute-env.js';
import { issuesToProblems, safeParseWithConvertedText } from './zod-issues.js';

/** A manifest file, or manifest text with the directory its relative paths resolve from. */
export type ManifestSource = string | { path: string } | { text: string; baseDir?: string; origin?: string };

export interface LoadManifestOptions {
  /** Variables `${env.NAME}` reads; default `process.env`. */
  env?: Environment;
}

/**
 * Reads a distribution manifest (a file path, or YAML text when the string spans several lines),
 * applies `${env.…}` substitution, drops disabled providers, and validates it. Every problem found is
 * thrown together in one `ManifestError`, each at its YAML path (`providers.inference[0].config.url`).
 */
export async function loadManifest(
  source: ManifestSource,
  options: LoadManifestOptions = {},
): Promise<DistributionManifest> {
  if (typeof source === 'string' && !source.includes('\n')) source = { path: source };
  if (typeof source === 'string') return parseManifest(source, options);
  if ('text' in source)
    return parseManifest(source.text, { ...options, baseDir: source.baseDir, origin: source.origin });
  const path = resolve(source.path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ManifestError([{ path: '', message: `cannot read ${path}: ${reason}.` }], path);
  }
  return parseManifest(text, { ...options, baseDir: dirname(path), origin: path });
}

export interface ParseManifestOptions extends LoadManifestOptions {
  /** Directory relative paths resolve from; default the current directory. */
  baseDir?: string;
  /** Named in error messages (the file path). */
  origin?: string;
}

/** `loadManifest` for YAML text or an already-parsed tree (a plain object). Synchronous. */
export function parseManifest(
  yamlOrTree: string | object,
  options: ParseManifestOptions = {},
): DistributionManifest {
  const origin = options.origin;
  const tree = typeof yamlOrTree === 'string' ? parseYaml(yamlOrTree, origin) : yamlOrTree;
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    throw new ManifestError(
      [{ path: '(root)', message: 'a manifest is a YAML mapping with at least `name:` and `providers:`.' }],
      origin,
    );
  }

  const substituted = substituteEnv(adaptLlamaStackKeys(tree as Record<string, unknown>), {
    env: options.env,
    collectProblems: true,
  });
  const { kept, indexMaps } = dropDisabledEntries(
    substituted.value,
    substituted.emptied,
    tree as Record<string, unknown>,
  );

  const toOriginal = (path: readonly PropertyKey[]) => toOriginalPath(path, indexMaps);
  const result = safeParseWithConvertedText(DistributionManifest, kept, substituted.converted, (path) =>
    formatYamlPath(toOriginal(path)),
  );
  // Report unset variables and schema problems together; a value whose variable is unset is not
  // reported a second time for being empty.
  const substitutionPaths = new Set(substituted.problems.map((problem) => problem.path));
  const schemaProblems = result.success
    ? []
    : issuesToProblems(DistributionManifest, result.error.issues, { toOriginal }).filter(
        (problem) => !substitutionPaths.has(problem.path),
      );
  if (substituted.problems.length > 0 || !result.success) {
    throw new ManifestError([...substituted.problems, ...schemaProblems], origin);
  }
  setManifestOrigin(result.data, {
    path: origin,
    baseDir: resolve(options.baseDir ?? process.cwd()),
    indexMaps,
    converted: substituted.converted,
  });
  return result.data;
}

function parseYaml(text: string, origin: string | undefined): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems: ManifestProblem[] = document.errors.map((error) => {
      const position = lineCounter.linePos(error.pos[0]);
      return {
        path: `line ${position.line}, column ${position.col}`,
        message: `YAML syntax: ${firstLine(error.message)}`,
      };
    });
    throw new ManifestError(problems, origin);
  }
  if (!isMap(document.contents)) {
    throw new ManifestError(
      [{ path: '(root)', message: 'a manifest is a YAML mapping with at least `name:` and `providers:`.' }],
      origin,
    );
  }
  return document.toJS({ maxAliasCount: 100 });
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Llama Stack's run.yaml calls the distribution `image_name`; accept it as `name`. */
function adaptLlamaStackKeys(tree: Record<string, unknown>): Record<string, unknown> {
  if (!('image_name' in tree)) return tree;
  const { image_name: imageName, ...rest } = tree;
  return 'name' in rest ? tree : { name: imageName, ...rest };
}

const resourceLists = [
  { key: 'models', idField: 'model_id' },
  { key: 'shields', idField: 'shield_id' },
  { key: 'memory_banks', idField: 'memory_bank_id' },
] as const;

// `${env.X:+id}`: the provider id a disabled entry would have had, so resources naming it go too.
const conditionalId = /^\$\{env\.[A-Za-z_][A-Za-z0-9_]*:\+([^}]*)\}$/;

/**
 * Drops the entries Llama Stack's conditional form switched off: a provider whose `provider_id`
 * substituted to empty, and a model, shield or bank whose id or `provider_id` did, or that names a
 * dropped provider. Returns, per list, the original index of each kept entry (for error paths).
 */
function dropDisabledEntries(
  tree: Record<string, unknown>,
  emptied: ReadonlySet<string>,
  raw: Record<string, unknown>,
): { kept: Record<string, unknown>; indexMaps: Map<string, number[]> } {
  const indexMaps = new Map<string, number[]>();
  const droppedProviderIds = new Set<string>();
  const kept: Record<string, unknown> = { ...tree };

  const filter = (list: unknown, listPath: string, isDisabled: (item: unknown, index: number) => boolean) => {
    if (!Array.isArray(list)) return list;
    const originalIndices: number[] = [];
    const result = list.filter((item, index) => {
      if (isDisabled(item, index)) return false;
      originalIndices.push(index);
      return true;
    });
    if (result.length !== list.length) indexMaps.set(listPath, originalIndices);
    return result;
  };

  const providers = tree.providers;
  if (providers && typeof providers === 'object' && !Array.isArray(providers)) {
    const rawProviders = (raw.providers ?? {}) as Record<string, unknown>;
    const keptProviders: Record<string, unknown> = {};
    for (const [api, list] of Object.entries(providers)) {
      keptProviders[api] = filter(list, `providers.${api}`, (_item, index) => {
        if (!emptied.has(`providers.${api}[${index}].provider_id`)) return false;
        const rawEntry = (rawProviders[api] as unknown[] | undefined)?.[index] as
          | Record<string, unknown>
          | undefined;
        const wouldBe =
          typeof rawEntry?.provider_id === 'string'
            ? conditionalId.exec(rawEntry.provider_id)?.[1]
            : undefined;
        if (wouldBe) droppedProviderIds.add(wouldBe);
        return true;
      });
    }
    kept.providers = keptProviders;
  }

  for (const { key, idField } of resourceLists) {
    kept[key] = filter(tree[key], key, (item, index) => {
      if (emptied.has(`${key}[${index}].${idField}`) || emptied.has(`${key}[${index}].provider_id`))
        return true;
      const providerId = (item as Record<string, unknown> | null)?.provider_id;
      return typeof providerId === 'string' && droppedProviderIds.has(providerId);
    });
    if (kept[key] === undefined) delete kept[key];
  }
  return { kept, indexMaps };
}
