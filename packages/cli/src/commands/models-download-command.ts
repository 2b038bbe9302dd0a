import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { StackError } from '@llama-stack-ts/core';
import {
  type DownloadFileResult,
  downloadFile,
  downloadHubModelFile,
  formatBytes,
} from '@llama-stack-ts/provider-utils/models';
import { CliError } from '../cli-error.js';
import { modelCacheDir } from './model-cache-dir.js';
import {
  type ModelDownloadSource,
  modelCachePath,
  parseModelDownloadSource,
} from './model-download-source.js';

export interface ModelsDownloadOptions {
  dir?: string;
  sha256?: string;
}

const defaultHubUrl = 'https://huggingface.co';

/** `llama-stack-ts models download <source>`: prints the file's path once it is in the cache. */
export async function modelsDownloadCommand(input: string, options: ModelsDownloadOptions): Promise<void> {
  const source = parseModelDownloadSource(input);
  if (!source) {
    throw new CliError(
      `'${input}' is neither a hub reference nor a URL. Write hf:<owner>/<repo>/<file>.gguf, ` +
        'hf:<owner>/<repo>:<quant> (e.g. hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M) or https://…/<file>.gguf.',
      2,
    );
  }
  const sha256 = options.sha256?.toLowerCase();
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new CliError(
      `--sha256 takes the file's SHA-256 as 64 hexadecimal digits, got '${options.sha256}'.`,
      2,
    );
  }
  const cacheDir = modelCacheDir(options.dir);

  // Ctrl-C stops the transfer through the signal, so the lock is released and the partial file kept.
  const controller = new AbortController();
  const interrupt = () =>
    controller.abort(
      new CliError(
        'Download interrupted. The bytes so far are kept: run the same command again to resume.',
        130,
      ),
    );
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let result: DownloadFileResult;
  try {
    result = await download(source, cacheDir, sha256, controller.signal);
  } catch (error) {
    if (StackError.isInstance(error)) throw new CliError(error.message, 1);
    throw error;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }

  if (!result.downloaded) {
    if (sha256)
      await checkExisting(result.path, sha256, `${input}${options.dir ? ` --dir ${options.dir}` : ''}`);
    process.stderr.write(`Already in the model cache (${formatBytes(result.bytes)}); nothing downloaded.\n`);
  } else {
    const checked =
      result.verifiedWith === 'etag'
        ? "SHA-256 matches the hub's"
        : result.verifiedWith === 'sha256'
          ? 'SHA-256 matches --sha256'
          : 'no checksum to compare with (pass --sha256 to check one)';
    const resumed = result.resumedFrom > 0 ? `, resumed after ${formatBytes(result.resumedFrom)}` : '';
    process.stderr.write(`Downloaded ${formatBytes(result.bytes)}${resumed}; ${checked}.\n`);
  }
  process.stdout.write(`${result.path}\n`);
}

function download(
  source: ModelDownloadSource,
  cacheDir: string,
  sha256: string | undefined,
  signal: AbortSignal,
): Promise<DownloadFileResult> {
  if (source.kind === 'hub') {
    return downloadHubModelFile({
      reference: source.reference,
      hubUrl: source.hubUrl ?? (process.env.HF_ENDPOINT || defaultHubUrl),
      cacheDir,
      sha256,
      signal,
    });
  }
  const target = modelCachePath(source, cacheDir) as string;
  // Not the hub: no published checksum to ask for, and HF_TOKEN is not sent to another host.
  return downloadFile({
    url: source.url,
    target,
    label: source.fileName,
    modelName: source.url,
    sha256,
    signal,
  });
}

async function checkExisting(path: string, expected: string, removeArguments: string): Promise<void> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (actual !== expected) {
    throw new CliError(
      `${path} is already in the model cache but its SHA-256 is ${actual}, not ${expected}. ` +
        `Remove it (llama-stack-ts models remove ${removeArguments}) and download it again, or fix --sha256.`,
    );
  }
}
