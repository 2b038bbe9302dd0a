import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describeWithModels } from '@llama-stack-ts/provider-utils/test';
import { expect, it } from 'vitest';
import { model2vecDir, model2vecFiles } from './support/test-models.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('./support/create-bank-process.ts', import.meta.url));

/** A line as LanceDB's native logger (Rust `env_logger`) writes it: `[2025-01-31T17:39:07Z WARN  lance::…] …`. */
const nativeLogLine = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+(ERROR|WARN|INFO|DEBUG|TRACE)\s+\S+\]/m;

/**
 * Creates, fills, indexes and searches a bank in a fresh Node process (the native module logs once
 * per process, from the environment it finds as it loads) and answers what it wrote.
 */
async function createBankInProcess(lanceDbLog: string | undefined) {
  const dataDir = await mkdtemp(join(tmpdir(), 'lancedb-native-log-'));
  const { LANCEDB_LOG: _, ...env } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions=@llama-stack-ts/source', script, dataDir, model2vecDir],
      { cwd: packageDir, env: lanceDbLog === undefined ? env : { ...env, LANCEDB_LOG: lanceDbLog } },
    );
    return { result: JSON.parse(stdout.trim().split('\n').at(-1)!) as unknown, stderr };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

describeWithModels("LanceDB's native log lines", model2vecFiles, () => {
  it('stay off stderr while a bank is created, written, indexed and searched', async () => {
    const { result, stderr } = await createBankInProcess(undefined);
    expect(result).toEqual({ found: 10, indexed: true, warnings: [] });
    expect(stderr).not.toMatch(nativeLogLine);
  });

  it('show at the level a LANCEDB_LOG the user set asks for', async () => {
    const { result, stderr } = await createBankInProcess('warn');
    expect(result).toEqual({ found: 10, indexed: true, warnings: [] });
    expect(stderr).toMatch(/WARN\s+lance::dataset::write::insert\] No existing dataset at /);
  });
});
