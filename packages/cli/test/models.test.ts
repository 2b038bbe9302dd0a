import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedHubModelFile, parseHubFileReference } from '@llama-stack-ts/provider-utils/models';
import { type LoopbackHub, startLoopbackHub, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, startCli } from './run-cli.js';

// Every download comes from a loopback hub on 127.0.0.1 serving real GGUF files; nothing reaches
// the internet (HF_ENDPOINT points at the loopback hub, and the hub is never the default).
const repoId = 'test-owner/stories-GGUF';
const stories = join(testModelsDir, 'stories260K.gguf');
const tinyRandom = join(testModelsDir, 'llama-2-tiny-random.gguf');
const storiesBytes = readFileSync(stories);
const storiesSha256 = sha256Of(stories);

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

let root: string;
let hubFolder: string;
let cacheCount = 0;
const hubs: LoopbackHub[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lsts-cli-models-'));
  hubFolder = join(root, 'hub');
  await mkdir(hubFolder);
  await copyFile(stories, join(hubFolder, 'stories260K.gguf'));
  await copyFile(stories, join(hubFolder, 'stories260K-Q8_0.gguf'));
});
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function hub(
  options: {
    cutFirstDownloadAfterBytes?: number;
    claimedSha256?: string;
    holdDownloads?: Promise<unknown>;
  } = {},
) {
  const started = await startLoopbackHub({ repoId, folder: hubFolder, ...options });
  hubs.push(started);
  return started;
}

/** A fresh, empty model cache folder. */
function newCache(): string {
  cacheCount += 1;
  return join(root, `cache-${cacheCount}`);
}

describe('models download', () => {
  it("downloads an hf: file from HF_ENDPOINT into the cache, checked against the hub's SHA-256, and prints its path", async () => {
    const loopback = await hub();
    const cache = newCache();
    const result = await cli(['models', 'download', `hf:${repoId}/stories260K.gguf`, '--dir', cache], {
      HF_ENDPOINT: loopback.url,
    });

    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    const path = join(cache, repoId, 'stories260K.gguf');
    expect(result.stdout).toBe(`${path}\n`);
    expect(sha256Of(path)).toBe(storiesSha256);
    expect(result.stderr).toContain(`Downloading ${repoId} stories260K.gguf`);
    expect(result.stderr).toContain("SHA-256 matches the hub's");
    expect(loopback.requests).toEqual([
      `HEAD /${repoId}/resolve/main/stories260K.gguf`,
      `/${repoId}/resolve/main/stories260K.gguf`,
    ]);
    // Nothing left beside the file: the partial was renamed, the lock released.
    expect(await readdir(join(cache, repoId))).toEqual(['stories260K.gguf']);

    const again = await cli(['models', 'download', `hf:${repoId}/stories260K.gguf`, '--dir', cache], {
      HF_ENDPOINT: loopback.url,
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${path}\n`);
    expect(again.stderr).toContain('Already in the model cache');
    expect(loopback.requests).toHaveLength(2);
  });

  it('finds an hf:<repo>:<quant> file by listing the repository, into LLAMA_STACK_TS_MODEL_CACHE, where the provider looks', async () => {
    const loopback = await hub();
    const cache = newCache();
    const result = await cli(['models', 'download', `hf:${repoId}:q8_0`], {
      HF_ENDPOINT: loopback.url,
      LLAMA_STACK_TS_MODEL_CACHE: cache,
    });

    expect(result.code).toBe(0);
    const path = join(cache, repoId, 'stories260K-Q8_0.gguf');
    expect(result.stdout).toBe(`${path}\n`);
    expect(sha256Of(path)).toBe(storiesSha256);
    expect(loopback.requests[0]).toBe(`/api/models/${repoId}/revision/main`);
    // inline::llama-cpp resolves an hf: model through this lookup: it finds the downloaded file.
    expect(cachedHubModelFile(parseHubFileReference(`hf:${repoId}:Q8_0`), cache)).toBe(path);
  });

  it('resumes an interrupted download from the partial file with a Range request', async () => {
    const loopback = await hub({ cutFirstDownloadAfterBytes: 400_000 });
    const cache = newCache();
    const args = ['models', 'download', `hf:${repoId}/stories260K.gguf`, '--dir', cache];
    const path = join(cache, repoId, 'stories260K.gguf');

    const cut = await cli(args, { HF_ENDPOINT: loopback.url });
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/trying again resumes/);
    expect(cut.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path)).toBe(false);
    // The cut lands after 400,000 bytes sent; the client may have taken fewer off the socket.
    const kept = statSync(`${path}.partial`).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(storiesBytes.length);
    expect(existsSync(`${path}.lock`)).toBe(false);

    const resumed = await cli(args, { HF_ENDPOINT: loopback.url });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toBe(`${path}\n`);
    expect(loopback.ranges).toEqual([undefined, `bytes=${kept}-`]);
    expect(resumed.stderr).toContain('(resuming)');
    expect(resumed.stderr).toMatch(/resumed after [\d.]+ KB; SHA-256 matches the hub's/);
    expect(sha256Of(path)).toBe(storiesSha256);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  it('stops on Ctrl-C (SIGINT) with exit 130, keeping the partial file to resume and releasing the lock', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const loopback = await hub({ holdDownloads: held });
    const cache = newCache();
    const path = join(cache, repoId, 'stories260K.gguf');
    const { child, finished } = startCli(
      ['models', 'download', `hf:${repoId}/stories260K.gguf`, '--dir', cache],
      { HF_ENDPOINT: loopback.url },
    );
    // The hub has sent the headers and holds the body: the download is under way.
    await new Promise<void>((resolve) => {
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.includes('Downloading')) resolve();
      });
    });
    child.kill('SIGINT');
    const result = await finished;
    release();

    expect(result.code).toBe(130);
    expect(result.stderr).toContain(
      'Download interrupted. The bytes so far are kept: run the same command again to resume.',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(`${path}.partial`)).toBe(true);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(existsSync(path)).toBe(false);
  });

  it('fails on a --sha256 that does not match, and leaves neither the file nor a partial', async () => {
    const loopback = await hub();
    const cache = newCache();
    const wrong = 'ab'.repeat(32);
    const result = await cli(
      [
        'models',
        'download',
        `hf:${repoId}/stories260K.gguf`,
        '--dir',
        cache,
        '--sha256',
        wrong.toUpperCase(),
      ],
      { HF_ENDPOINT: loopback.url },
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`has SHA-256 ${storiesSha256}, but sha256 says ${wrong}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
    // The given sum replaces the hub's: no HEAD request for it.
    expect(loopback.requests).toEqual([`/${repoId}/resolve/main/stories260K.gguf`]);
    expect(await readdir(join(cache, repoId))).toEqual([]);
  });

  it("fails when the file is not what the hub's X-Linked-Etag says", async () => {
    const claimed = 'cd'.repeat(32);
    const loopback = await hub({ claimedSha256: claimed });
    const cache = newCache();
    const result = await cli(['models', 'download', `hf:${repoId}/stories260K.gguf`, '--dir', cache], {
      HF_ENDPOINT: loopback.url,
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`has SHA-256 ${storiesSha256}, but the hub's ETag says ${claimed}`);
    expect(await readdir(join(cache, repoId))).toEqual([]);
  });

  it('saves a hub URL where its hf: form goes, and any other URL under its file name, checked with --sha256', async () => {
    const loopback = await hub();
    const server = createServer((request, response) => {
      if (request.url !== '/files/stories260K.gguf') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-length': String(storiesBytes.length) });
      createReadStream(stories).pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const plainUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/stories260K.gguf`;
    const cache = newCache();
    try {
      const fromHub = await cli([
        'models',
        'download',
        `${loopback.url}/${repoId}/resolve/main/stories260K.gguf`,
        '--dir',
        cache,
      ]);
      expect(fromHub.code).toBe(0);
      expect(fromHub.stdout).toBe(`${join(cache, repoId, 'stories260K.gguf')}\n`);
      expect(fromHub.stderr).toContain("SHA-256 matches the hub's");

      const plain = await cli(['models', 'download', plainUrl, '--dir', cache, '--sha256', storiesSha256]);
      expect(plain.code).toBe(0);
      expect(plain.stdout).toBe(`${join(cache, 'stories260K.gguf')}\n`);
      expect(plain.stderr).toContain('SHA-256 matches --sha256');
      expect(sha256Of(join(cache, 'stories260K.gguf'))).toBe(storiesSha256);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('rejects what it cannot download with a usage error, before any request', async () => {
    const cache = newCache();
    const notASource = await cli(['models', 'download', 'stories260K.gguf', '--dir', cache]);
    expect(notASource.code).toBe(2);
    expect(notASource.stderr).toContain("'stories260K.gguf' is neither a hub reference nor a URL");

    const badSum = await cli(['models', 'download', `hf:${repoId}/stories260K.gguf`, '--sha256', 'abc']);
    expect(badSum.code).toBe(2);
    expect(badSum.stderr).toContain('--sha256 takes the file');
    expect(existsSync(cache)).toBe(false);
  });
});

describe('models list', () => {
  it('shows each GGUF file with its size, architecture and context length from the header, and unfinished downloads', async () => {
    const cache = newCache();
    await mkdir(join(cache, repoId), { recursive: true });
    await copyFile(stories, join(cache, repoId, 'stories260K.gguf'));
    await copyFile(tinyRandom, join(cache, 'llama-2-tiny-random.gguf'));
    await writeFile(join(cache, 'not-a-model.gguf'), 'this is text');
    await writeFile(join(cache, repoId, 'next.gguf.partial'), storiesBytes.subarray(0, 2048));
    // Files of the embedding providers share the cache; they are not GGUF models.
    await writeFile(join(cache, repoId, 'config.json'), '{}');

    const table = await cli(['models', 'list', '--dir', cache]);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^FILE\s+SIZE\s+ARCHITECTURE\s+CONTEXT\s+CHAT TEMPLATE$/);
    expect(lines.slice(1, 4)).toEqual([
      expect.stringMatching(/^llama-2-tiny-random\.gguf\s+1\.7 MB\s+llama\s+4096\s+no$/),
      expect.stringMatching(/^not-a-model\.gguf\s+12 B\s+unreadable\s+-\s+no$/),
      expect.stringMatching(/^test-owner\/stories-GGUF\/stories260K\.gguf\s+1\.1 MB\s+llama\s+2048\s+no$/),
    ]);
    expect(table.stdout).toContain('not-a-model.gguf: Invalid GGUF magic');
    expect(table.stdout).toContain(`In ${cache}.`);
    expect(table.stdout).toContain(`Unfinished download: ${repoId}/next.gguf (2.0 KB so far)`);
    expect(table.stdout).not.toContain('config.json');

    const json = await cli(['models', 'list', '--dir', cache, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      dir: cache,
      models: [
        {
          file: 'llama-2-tiny-random.gguf',
          path: join(cache, 'llama-2-tiny-random.gguf'),
          bytes: statSync(tinyRandom).size,
          architecture: 'llama',
          context_length: 4096,
          chat_template: false,
        },
        {
          file: 'not-a-model.gguf',
          path: join(cache, 'not-a-model.gguf'),
          bytes: 12,
          architecture: null,
          context_length: null,
          chat_template: false,
          error: expect.stringContaining('Invalid GGUF magic'),
        },
        {
          file: `${repoId}/stories260K.gguf`,
          path: join(cache, repoId, 'stories260K.gguf'),
          bytes: storiesBytes.length,
          architecture: 'llama',
          context_length: 2048,
          chat_template: false,
        },
      ],
      unfinished: [
        { file: `${repoId}/next.gguf`, path: join(cache, repoId, 'next.gguf.partial'), bytes: 2048 },
      ],
    });
  });

  it('says how to get a model when the cache is empty or missing', async () => {
    const result = await cli(['models', 'list', '--dir', newCache()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No GGUF models in');
    expect(result.stdout).toContain('llama-stack-ts models download hf:');
  });
});

describe('models remove', () => {
  it('deletes a file named by its hf: reference with its leftovers, then says clearly that it is gone', async () => {
    const cache = newCache();
    const folder = join(cache, repoId);
    await mkdir(folder, { recursive: true });
    const path = join(folder, 'stories260K.gguf');
    await copyFile(stories, path);
    await writeFile(`${path}.partial`, storiesBytes.subarray(0, 100));
    await writeFile(`${path}.lock`, '999999999 stale');

    const removed = await cli(['models', 'remove', `hf:${repoId}/stories260K.gguf`, '--dir', cache]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(
      `Removed ${path} (1.1 MB)\nRemoved ${path}.partial (100 B)\nRemoved ${path}.lock (15 B)\n`,
    );
    // The emptied <owner>/<repo> folders go too; the cache folder stays.
    expect(existsSync(join(cache, 'test-owner'))).toBe(false);
    expect(existsSync(cache)).toBe(true);

    const again = await cli(['models', 'remove', `hf:${repoId}/stories260K.gguf`, '--dir', cache]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `hf:${repoId}/stories260K.gguf is not in the model cache: there is no ${path}. ` +
        `\`llama-stack-ts models list --dir ${cache}\` shows what is there.\n`,
    );
  });

  it('deletes a file named as models list shows it, and refuses paths outside the cache', async () => {
    const cache = newCache();
    await mkdir(join(cache, repoId), { recursive: true });
    await copyFile(stories, join(cache, repoId, 'stories260K-Q8_0.gguf'));
    await copyFile(stories, join(cache, 'keep.gguf'));

    const quant = await cli(['models', 'remove', `hf:${repoId}:Q8_0`, '--dir', cache]);
    expect(quant.code).toBe(0);
    expect(existsSync(join(cache, repoId, 'stories260K-Q8_0.gguf'))).toBe(false);

    const outside = await cli(['models', 'remove', '../hub/stories260K.gguf', '--dir', cache]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is not in the model cache');
    expect(existsSync(join(hubFolder, 'stories260K.gguf'))).toBe(true);

    const byFile = await cli(['models', 'remove', 'keep.gguf', '--dir', cache]);
    expect(byFile.code).toBe(0);
    expect(await readdir(cache)).toEqual([]);
  });
});
