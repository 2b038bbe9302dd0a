import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface ReadOptionalModelJsonOptions {
  /** The model folder: a local one, or the hub model's cache folder. */
  folder: string;
  file: string;
  /** Set for a hub model whose file may still be fetched: `<hubUrl>/<repoId>/resolve/<revision>/`. */
  remoteBase?: string | undefined;
  fetch?: typeof globalThis.fetch;
}

/**
 * A small JSON file a model may or may not ship (`1_Pooling/config.json`, `sentence_bert_config.json`):
 * read from the folder, else fetched once from the hub and cached. A 404 is remembered with an empty
 * `.absent/<file>` marker so later starts do not ask again; any other failure only means "unknown"
 * (the caller falls back to a default), so a flaky network never blocks loading the model itself.
 */
export async function readOptionalModelJson(
  options: ReadOptionalModelJsonOptions,
): Promise<Record<string, unknown> | undefined> {
  const path = join(options.folder, options.file);
  if (existsSync(path)) return parseObject(await readFile(path, 'utf8'));
  const absent = join(options.folder, '.absent', options.file);
  if (!options.remoteBase || existsSync(absent)) return undefined;
  try {
    const token = process.env.HF_TOKEN;
    const response = await (options.fetch ?? globalThis.fetch)(`${options.remoteBase}${options.file}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status === 404) {
      await mkdir(dirname(absent), { recursive: true });
      await writeFile(absent, '');
      return undefined;
    }
    if (!response.ok) return undefined;
    const text = await response.text();
    const parsed = parseObject(text);
    if (parsed) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    return parsed;
  } catch {
    return undefined;
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
