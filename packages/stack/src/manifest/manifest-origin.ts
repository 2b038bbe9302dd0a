import { formatYamlPath } from './manifest-error.js';

/**
 * Where a loaded manifest came from, kept beside it (not in it) so that later checks can name the
 * file, resolve provider modules from its directory, and report YAML paths with the indices the
 * user wrote even after disabled entries were dropped.
 */
export interface ManifestOrigin {
  /** The manifest file, when it was read from one. */
  path: string | undefined;
  /** Directory that relative paths (`module:`, `data_dir:`) and provider packages resolve from. */
  baseDir: string;
  /** For each list the loader dropped entries from (`providers.inference`, `models`): original index by kept index. */
  indexMaps: ReadonlyMap<string, readonly number[]>;
  /** Values a substitution turned into numbers or booleans, by original YAML path, with their text. */
  converted: ReadonlyMap<string, string>;
}

const origins = new WeakMap<object, ManifestOrigin>();

export function setManifestOrigin(manifest: object, origin: ManifestOrigin): void {
  origins.set(manifest, origin);
}

export function getManifestOrigin(manifest: object): ManifestOrigin | undefined {
  return origins.get(manifest);
}

/** Maps a path in the loaded manifest back to the indices of the file as written. */
export function toOriginalPath(
  path: readonly PropertyKey[],
  indexMaps: ReadonlyMap<string, readonly number[]> | undefined,
): PropertyKey[] {
  if (!indexMaps || indexMaps.size === 0) return [...path];
  const result: PropertyKey[] = [];
  for (const segment of path) {
    if (typeof segment === 'number') {
      const map = indexMaps.get(formatYamlPath(result));
      result.push(map?.[segment] ?? segment);
    } else {
      result.push(segment);
    }
  }
  return result;
}
