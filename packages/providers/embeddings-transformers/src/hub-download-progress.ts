import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DownloadProgressBar, type ProgressStream } from '@llama-stack-ts/provider-utils/models';

/** The events transformers.js reports through `progress_callback` while it fetches model files. */
export interface TransformersProgressEvent {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

/**
 * Turns transformers.js' progress events into one progress bar per file actually downloaded. It
 * reports reading a cached or local file the same way, so a file that is already in the cache
 * folder when its `initiate` event arrives draws nothing; a bar appears with the first bytes (so
 * an optional file the hub lacks draws nothing either).
 */
export function hubDownloadProgress(options: {
  repoId: string;
  cacheFolder: string;
  stream?: ProgressStream | undefined;
}): (event: TransformersProgressEvent) => void {
  const downloading = new Set<string>();
  const bars = new Map<string, DownloadProgressBar>();
  return (event) => {
    const file = event.file;
    if (!file) return;
    if (event.status === 'initiate') {
      if (!existsSync(join(options.cacheFolder, file))) downloading.add(file);
      return;
    }
    if (!downloading.has(file)) return;
    if (event.status === 'progress') {
      let bar = bars.get(file);
      if (!bar) {
        bar = new DownloadProgressBar({
          label: `${options.repoId} ${file}`,
          ...(options.stream ? { stream: options.stream } : {}),
        });
        bars.set(file, bar);
      }
      bar.update(event.loaded ?? 0, event.total || undefined);
    } else if (event.status === 'done') {
      bars.get(file)?.finish();
      bars.delete(file);
      downloading.delete(file);
    }
  };
}
