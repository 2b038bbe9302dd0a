import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBytes } from '@llama-stack-ts/provider-utils/models';
import { formatTable } from './format-table.js';
import { modelCacheDir } from './model-cache-dir.js';

export interface ModelsListOptions {
  dir?: string;
  json?: boolean;
}

/** One GGUF file of the model cache, as `models list --json` prints it. */
export interface CachedModelFile {
  /** Relative to the cache folder: `<owner>/<repo>/<file>.gguf` for a hub file. */
  file: string;
  path: string;
  bytes: number;
  /** `general.architecture` of the GGUF metadata, e.g. `llama`. */
  architecture: string | null;
  /** The context length the model was trained with (`<architecture>.context_length`). */
  context_length: number | null;
  /** Whether the file carries a chat template (`tokenizer.chat_template`). */
  chat_template: boolean;
  /** Why the metadata could not be read (not a GGUF file, truncated, ...). */
  error?: string;
}

/** A download that stopped before the end (`<file>.partial`); `models download` resumes it. */
export interface UnfinishedDownload {
  file: string;
  path: string;
  bytes: number;
}

/** `llama-stack-ts models list`: the GGUF files in the model cache, read from their headers only. */
export async function modelsListCommand(options: ModelsListOptions): Promise<void> {
  const cacheDir = modelCacheDir(options.dir);
  const names = (await readdir(cacheDir, { recursive: true, encoding: 'utf8' }).catch(() => [])).sort();
  const models: CachedModelFile[] = [];
  const unfinished: UnfinishedDownload[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    const isModel = lower.endsWith('.gguf');
    if (!isModel && !lower.endsWith('.gguf.partial')) continue;
    const path = join(cacheDir, name);
    const stats = await stat(path).catch(() => undefined);
    if (!stats?.isFile()) continue;
    if (isModel) models.push({ file: name, path, bytes: stats.size, ...(await readMetadata(path)) });
    else unfinished.push({ file: name.slice(0, -'.partial'.length), path, bytes: stats.size });
  }

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ dir: cacheDir, models, unfinished }, null, 2)}\n`);
    return;
  }
  if (models.length === 0) {
    process.stdout.write(`No GGUF models in ${cacheDir}.\n`);
  } else {
    const rows = models.map((model) => [
      model.file,
      formatBytes(model.bytes),
      model.architecture ?? (model.error ? 'unreadable' : '-'),
      model.context_length === null ? '-' : String(model.context_length),
      model.chat_template ? 'yes' : 'no',
    ]);
    process.stdout.write(formatTable(['FILE', 'SIZE', 'ARCHITECTURE', 'CONTEXT', 'CHAT TEMPLATE'], rows));
    for (const model of models) {
      if (model.error) process.stdout.write(`\n${model.file}: ${model.error}\n`);
    }
    process.stdout.write(
      `\nIn ${cacheDir}. A distribution uses hf:<FILE> (a hub download) or the full path as provider_model_id.\n`,
    );
  }
  for (const download of unfinished) {
    process.stdout.write(
      `Unfinished download: ${download.file} (${formatBytes(download.bytes)} so far); \`llama-stack-ts models download\` of the same source resumes it.\n`,
    );
  }
  if (models.length === 0 && unfinished.length === 0) {
    process.stdout.write(
      'Download one: llama-stack-ts models download hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M\n',
    );
  }
}

async function readMetadata(
  path: string,
): Promise<Pick<CachedModelFile, 'architecture' | 'context_length' | 'chat_template' | 'error'>> {
  // Loaded here, not up front: node-llama-cpp is large, and only its GGUF header reader is used (no model load).
  const { readGgufFileInfo } = await import('node-llama-cpp');
  try {
    const info = await readGgufFileInfo(path, {
      readTensorInfo: false,
      logWarnings: false,
      // The vocabulary is most of the header and none of it is shown.
      ignoreKeys: [
        'tokenizer.ggml.tokens',
        'tokenizer.ggml.scores',
        'tokenizer.ggml.token_type',
        'tokenizer.ggml.merges',
      ],
    });
    return {
      architecture: info.metadata.general?.architecture ?? null,
      context_length: info.architectureMetadata?.context_length ?? null,
      chat_template: typeof info.metadata.tokenizer?.chat_template === 'string',
    };
  } catch (error) {
    return {
      architecture: null,
      context_length: null,
      chat_template: false,
      error: (error as Error).message,
    };
  }
}
