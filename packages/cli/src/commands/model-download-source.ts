import { basename, join } from 'node:path';
import {
  cachedHubModelFile,
  type HubFileReference,
  hubCacheFolder,
  isHubReference,
  parseHubFileReference,
} from '@llama-stack-ts/provider-utils/models';
import { CliError } from '../cli-error.js';

/**
 * What `models download` fetches: a hub file (an `hf:` reference, or a hub URL
 * `<hub>/<owner>/<repo>/resolve/<revision>/<file>`, which lands where its `hf:` reference would) or
 * any other `http(s)://…/<file>.gguf`, saved as `<cache dir>/<file>.gguf`.
 */
export type ModelDownloadSource =
  | { kind: 'hub'; reference: HubFileReference; hubUrl: string | undefined }
  | { kind: 'url'; url: string; fileName: string };

const hubFilePath = /^(.*?)\/([\w.-]+)\/([\w.-]+)\/resolve\/([^/]+)\/(.+)$/;

/** Reads a `models download` / `models remove` argument; undefined when it is neither `hf:` nor a URL. */
export function parseModelDownloadSource(source: string): ModelDownloadSource | undefined {
  if (isHubReference(source)) return { kind: 'hub', reference: parseReference(source), hubUrl: undefined };
  if (!/^https?:\/\//i.test(source)) return undefined;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new CliError(`'${source}' is not a valid URL.`, 2);
  }
  const path = decodeURIComponent(url.pathname);
  if (!path.toLowerCase().endsWith('.gguf')) {
    throw new CliError(
      `'${source}' does not name a .gguf file; give the URL of the file itself (on the hub: …/resolve/main/<file>.gguf).`,
      2,
    );
  }
  const hub = hubFilePath.exec(path);
  if (hub && url.search === '') {
    const [, prefix = '', owner = '', repo = '', revision = '', file = ''] = hub;
    return {
      kind: 'hub',
      reference: parseReference(`hf:${owner}/${repo}@${revision}/${file}`),
      hubUrl: `${url.origin}${prefix}`,
    };
  }
  return { kind: 'url', url: source, fileName: basename(path) };
}

function parseReference(reference: string): HubFileReference {
  try {
    return parseHubFileReference(reference);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
}

/**
 * Where a source's file is (or goes) in the cache. For `hf:…:<quant>`, the matching file already
 * downloaded, or undefined when there is none.
 */
export function modelCachePath(source: ModelDownloadSource, cacheDir: string): string | undefined {
  if (source.kind === 'url') return join(cacheDir, source.fileName);
  const { reference } = source;
  if (reference.kind === 'quant') return cachedHubModelFile(reference, cacheDir);
  return join(hubCacheFolder(cacheDir, reference.repoId, reference.revision), reference.file);
}
