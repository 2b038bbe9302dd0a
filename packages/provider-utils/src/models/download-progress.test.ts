import { describe, expect, it } from 'vitest';
import { DownloadProgressBar, formatBytes } from './download-progress.js';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('DownloadProgressBar', () => {
  it('writes one line per quarter and a final line when the output is not a terminal', () => {
    const { writes, stream } = recorder(false);
    const bar = new DownloadProgressBar({ label: 'org/model model.safetensors', stream });
    for (let loaded = 0; loaded <= 4096; loaded += 256) bar.update(loaded, 4096);
    bar.finish();
    expect(writes).toEqual([
      'Downloading org/model model.safetensors [------------------------] 0% 0 B/4.0 KB\n',
      'Downloading org/model model.safetensors [######------------------] 25% 1.0 KB/4.0 KB\n',
      'Downloading org/model model.safetensors [############------------] 50% 2.0 KB/4.0 KB\n',
      'Downloading org/model model.safetensors [##################------] 75% 3.0 KB/4.0 KB\n',
      'Downloading org/model model.safetensors [########################] 100% 4.0 KB/4.0 KB\n',
    ]);
  });

  it('redraws in place on a terminal and ends the line once', () => {
    const { writes, stream } = recorder(true);
    const bar = new DownloadProgressBar({ label: 'm f', stream, redrawIntervalMs: 0 });
    bar.update(1, 2);
    bar.finish();
    bar.finish();
    expect(writes).toHaveLength(2);
    const clearLine = '\u001b[K';
    expect(writes[0]).toBe(`\rDownloading m f [${'#'.repeat(12)}${'-'.repeat(12)}] 50% 1 B/2 B${clearLine}`);
    expect(writes[1]).toBe(`\rDownloading m f [${'#'.repeat(24)}] 100% 2 B/2 B${clearLine}\n`);
  });

  it('shows the bytes so far when the size is unknown, and marks a failure', () => {
    const { writes, stream } = recorder(false);
    const bar = new DownloadProgressBar({ label: 'm f', stream });
    bar.update(3 * 1024 * 1024, undefined);
    bar.finish(true);
    expect(writes).toEqual(['Downloading m f 3.0 MB\n', 'Downloading m f 3.0 MB failed\n']);
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.00 GB');
  });
});
