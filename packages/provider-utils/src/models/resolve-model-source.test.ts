import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModelCacheDir, hubCacheFolder, resolveModelSource } from './resolve-model-source.js';

describe('resolveModelSource', () => {
  const base = mkdtempSync(join(tmpdir(), 'model2vec-source-'));

  it('reads hf: references and bare owner/name ids as hub repositories', () => {
    expect(resolveModelSource('hf:minishlab/potion-base-8M', base)).toEqual({
      kind: 'hub',
      repoId: 'minishlab/potion-base-8M',
      revision: 'main',
    });
    expect(resolveModelSource('minishlab/potion-base-8M@v1.0', base)).toEqual({
      kind: 'hub',
      repoId: 'minishlab/potion-base-8M',
      revision: 'v1.0',
    });
  });

  it('reads paths as folders, relative ones from the base directory', () => {
    expect(resolveModelSource('/models/potion', base)).toEqual({ kind: 'local', folder: '/models/potion' });
    expect(resolveModelSource('./models/potion', base)).toEqual({
      kind: 'local',
      folder: join(base, 'models/potion'),
    });
    expect(resolveModelSource('~/models/potion', base)).toEqual({
      kind: 'local',
      folder: join(homedir(), 'models/potion'),
    });
    expect(resolveModelSource('file:///models/potion', base)).toEqual({
      kind: 'local',
      folder: '/models/potion',
    });
  });

  it('prefers an existing folder over a hub id of the same spelling', () => {
    const folder = mkdtempSync(join(base, 'owner-'));
    const relative = folder.slice(base.length + 1);
    expect(resolveModelSource(relative, base)).toEqual({ kind: 'local', folder });
  });

  it('rejects a malformed hf: reference with the expected form', () => {
    expect(() => resolveModelSource('hf:not a repo', base)).toThrow(/write hf:<owner>\/<name>/);
  });

  it('lays out the cache as transformers.js does and honours LLAMA_STACK_TS_HOME', () => {
    expect(hubCacheFolder('/cache', 'a/b', 'main')).toBe('/cache/a/b');
    expect(hubCacheFolder('/cache', 'a/b', 'v2')).toBe('/cache/a/b/v2');
    expect(defaultModelCacheDir({ LLAMA_STACK_TS_HOME: '/srv/stack' })).toBe('/srv/stack/models');
    expect(defaultModelCacheDir({})).toBe(join(homedir(), '.llama-stack-ts', 'models'));
    expect(
      defaultModelCacheDir({ LLAMA_STACK_TS_MODEL_CACHE: '/srv/models', LLAMA_STACK_TS_HOME: '/srv/stack' }),
    ).toBe('/srv/models');
  });
});
