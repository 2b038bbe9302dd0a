import { isAbsolute } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  type BatchInferencePath,
  InvalidRequestError,
  PayloadTooLargeError,
  type UrlPolicy,
} from '@llama-stack-ts/core';
import { openUserUrl } from '@llama-stack-ts/provider-utils/url-fetch';

const field = 'prompt_file_path.value';

export interface OpenPromptFileOptions {
  policy: UrlPolicy | undefined;
  maxBytes: number;
  /** Ends an http(s) download that takes too long. */
  signal: AbortSignal;
  provider: string;
}

/**
 * The bytes of a seed job's prompt file: `raw_bytes` is the content itself; a `filepath` (absolute)
 * or `uri` is opened through `openUserUrl` under the distribution's `url_fetch:` policy, so a file
 * outside `url_fetch.file_roots` is a 403, a missing one a 400 and more than `maxBytes` a 413.
 */
export async function openPromptFile(
  path: BatchInferencePath,
  { policy, maxBytes, signal, provider }: OpenPromptFileOptions,
): Promise<Readable> {
  const maxBytesHint = `raise max_input_bytes in the ${provider} config`;
  if (path.type === 'raw_bytes') {
    const bytes = Buffer.from(path.value, 'utf8');
    if (bytes.byteLength > maxBytes) {
      throw new PayloadTooLargeError(`${field} (${bytes.byteLength} bytes)`, maxBytes, maxBytesHint);
    }
    return Readable.from([bytes]);
  }
  if (path.type === 'filepath' && !isAbsolute(path.value)) {
    throw new InvalidRequestError(field, `must be an absolute path on the server, not '${path.value}'`);
  }
  const url = path.type === 'filepath' ? pathToFileURL(path.value).href : path.value;
  const opened = await openUserUrl(url, { policy, field, signal, maxBytes, maxBytesHint, provider });
  return opened.body;
}
