import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithModels, type LoopbackHub, startLoopbackHub, testModelsDir } from '../test/index.js';
import { downloadFile } from './download-file.js';
import { hubFileUrl } from './download-hub-files.js';
import { downloadHubModelFile } from './download-hub-model-file.js';
import { ModelChecksumError } from './errors/model-checksum-error.js';
import { ModelDownloadError } from './errors/model-download-error.js';
import { parseHubFileReference } from './hub-file-reference.js';

const modelsDir = testModelsDir;
const modelFiles = [join(modelsDir, 'stories260K.gguf')];
const repoId = 'test-org/tiny-gguf';
const fileName = 'stories260K.gguf';

/** Collects what a progress bar writes (not a terminal: one line per quarter and at the end). */
function progressSink() {
  const lines: string[] = [];
  return { lines, stream: { write: (text: string) => lines.push(text) } };
}

describeWithModels('downloadFile over a loopback hub', modelFiles, () => {
  let repoFolder: string;
  let work: string;
  let source: Buffer;
  let sourceSha256: string;
  let hub: LoopbackHub | undefined;

  beforeAll(() => {
    repoFolder = mkdtempSync(join(tmpdir(), 'lst-hub-repo-'));
    copyFileSync(join(modelsDir, fileName), join(repoFolder, fileName));
    copyFileSync(join(modelsDir, fileName), join(repoFolder, 'Tiny-Q4_K_M.gguf'));
    source = readFileSync(join(repoFolder, fileName));
    sourceSha256 = createHash('sha256').update(source).digest('hex');
    return () => rmSync(repoFolder, { recursive: true, force: true });
  });

  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const start = async (options: { cutFirstDownloadAfterBytes?: number; claimedSha256?: string } = {}) => {
    hub = await startLoopbackHub({ repoId, folder: repoFolder, ...options });
    work = mkdtempSync(join(tmpdir(), 'lst-download-'));
    return { hub, url: hubFileUrl(hub.url, repoId, 'main', fileName), target: join(work, fileName) };
  };

  it('downloads with a progress bar and checks the SHA-256 the hub publishes', async () => {
    const { url, target, hub } = await start();
    const progress = progressSink();
    const result = await downloadFile({
      url,
      target,
      label: `${repoId} ${fileName}`,
      hubChecksum: true,
      progressStream: progress.stream,
    });
    expect(result).toMatchObject({
      bytes: source.length,
      sha256: sourceSha256,
      verifiedWith: 'etag',
      resumedFrom: 0,
    });
    expect(readFileSync(target).equals(source)).toBe(true);
    expect(existsSync(`${target}.partial`)).toBe(false);
    expect(existsSync(`${target}.lock`)).toBe(false);
    expect(progress.lines[0]).toMatch(
      /^Downloading test-org\/tiny-gguf stories260K\.gguf \[-+\] 0% 0 B\/1\.1 MB/,
    );
    expect(progress.lines.at(-1)).toMatch(/\[#{24}\] 100% 1\.1 MB\/1\.1 MB\n$/);
    expect(hub.requests[0]).toBe(`HEAD /${repoId}/resolve/main/${fileName}`);

    // Already there: nothing is fetched.
    const again = await downloadFile({
      url,
      target,
      label: fileName,
      hubChecksum: true,
      progressStream: null,
    });
    expect(again.downloaded).toBe(false);
    expect(hub.requests).toHaveLength(2);
  });

  it('resumes an interrupted download from the partial file with a Range request', async () => {
    const { url, target, hub } = await start({ cutFirstDownloadAfterBytes: 400_000 });
    const options = { url, target, label: fileName, hubChecksum: true, progressStream: null } as const;
    const first = downloadFile(options);
    await expect(first).rejects.toBeInstanceOf(ModelDownloadError);
    // The cut lands after 400,000 bytes sent; the client may have taken fewer off the socket.
    const kept = statSync(`${target}.partial`).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(400_000);
    await expect(first).rejects.toThrow(
      new RegExp(`kept ${kept} bytes in .*\\.partial; trying again resumes|ended after ${kept}`),
    );
    expect(existsSync(target)).toBe(false);

    const progress = progressSink();
    const second = await downloadFile({ ...options, progressStream: progress.stream });
    expect(second).toMatchObject({ resumedFrom: kept, bytes: source.length, sha256: sourceSha256 });
    expect(hub.ranges).toEqual([undefined, `bytes=${kept}-`]);
    expect(readFileSync(target).equals(source)).toBe(true);
    expect(progress.lines[0]).toMatch(/stories260K\.gguf \(resuming\) \[#+-+\] \d+%/);
  });

  it("rejects a file whose SHA-256 is not the hub's, and keeps neither the file nor the partial", async () => {
    const { url, target } = await start({ claimedSha256: 'ab'.repeat(32) });
    const download = downloadFile({ url, target, label: fileName, hubChecksum: true, progressStream: null });
    await expect(download).rejects.toBeInstanceOf(ModelChecksumError);
    await expect(download).rejects.toThrow(
      `has SHA-256 ${sourceSha256}, but the hub's ETag says ${'ab'.repeat(32)}; it was discarded`,
    );
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.partial`)).toBe(false);
  });

  it('checks a given sha256 before the hub one, and refuses a malformed one', async () => {
    const { url, target } = await start();
    await expect(
      downloadFile({ url, target, label: fileName, sha256: 'cd'.repeat(32), progressStream: null }),
    ).rejects.toThrow(/but sha256 says cdcd/);
    await expect(
      downloadFile({ url, target, label: fileName, sha256: 'xyz', progressStream: null }),
    ).rejects.toThrow(/'xyz' is not 64 hexadecimal digits/);
    const ok = await downloadFile({
      url,
      target,
      label: fileName,
      sha256: sourceSha256.toUpperCase(),
      progressStream: null,
    });
    expect(ok.verifiedWith).toBe('sha256');
  });

  it('names a missing file with the status and the offline fix', async () => {
    const { hub, target } = await start();
    const url = hubFileUrl(hub.url, repoId, 'main', 'missing.gguf');
    await expect(
      downloadFile({
        url,
        target,
        label: 'missing.gguf',
        modelName: repoId,
        hubChecksum: true,
        progressStream: null,
      }),
    ).rejects.toThrow(
      `Cannot download ${url} (model '${repoId}'): HTTP 404 Not Found (no such model or file).`,
    );
  });

  it('downloads an hf: reference into the cache, finding a :quant file through the repository listing', async () => {
    const { hub } = await start();
    const cacheDir = join(work, 'cache');
    mkdirSync(cacheDir);
    const byFile = await downloadHubModelFile({
      reference: parseHubFileReference(`hf:${repoId}/${fileName}`),
      hubUrl: hub.url,
      cacheDir,
      progressStream: null,
    });
    expect(byFile.path).toBe(join(cacheDir, repoId, fileName));
    const byQuant = await downloadHubModelFile({
      reference: parseHubFileReference(`hf:${repoId}:q4_k_m`),
      hubUrl: hub.url,
      cacheDir,
      progressStream: null,
    });
    expect(byQuant.path).toBe(join(cacheDir, repoId, 'Tiny-Q4_K_M.gguf'));
    expect(hub.requests).toContain(`/api/models/${repoId}/revision/main`);
    await expect(
      downloadHubModelFile({
        reference: parseHubFileReference(`hf:${repoId}:Q8_0`),
        hubUrl: hub.url,
        cacheDir,
        progressStream: null,
      }),
    ).rejects.toThrow(/no GGUF file named with 'Q8_0' in the repository \(it has .*Tiny-Q4_K_M\.gguf/);
  });
});
