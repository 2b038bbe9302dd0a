// biome-ignore-all lint/suspicious/noTemplateCurlyInString: manifests spell ${env.NAME} literally.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDistribution, listDistributions } from '../src/find-distribution.js';
import { cli, startCli } from './run-cli.js';

/** Starts `run`, resolves with the URL it prints once listening. */
function startServer(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const { child } = startCli(['run', ...args], env);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolvePromise, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolvePromise({ child, url: match[1], output: () => stdout + stderr });
    });
    child.on('close', (code) =>
      reject(new Error(`run exited with ${code} before listening:\n${stdout}${stderr}`)),
    );
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) resolvePromise(child.exitCode);
    else child.on('exit', (code) => resolvePromise(code));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lsts-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('llama-stack-ts', () => {
  it('prints help a newcomer can follow', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['run', 'validate', 'list-distributions', 'list-apis', 'list-providers']) {
      expect(result.stdout).toContain(command);
    }
    expect(result.stdout).toContain('llama-stack-ts run local');
  });

  it('lists the APIs and their route counts', async () => {
    const result = await cli(['list-apis']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^inference\s+\d+\s+Completions/m);
    expect(result.stdout).toMatch(/^models\s+2\s/m);
  });

  it('lists the providers of one API, and rejects an unknown API', async () => {
    const result = await cli(['list-providers', 'inference']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/inline::llama-cpp\s+@llama-stack-ts\/provider-inference-llama-cpp/);
    expect(result.stdout).not.toContain('memory_banks');
    const unknown = await cli(['list-providers', 'agents']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown API 'agents'. APIs: inference, safety, agentic_system");
  });

  it('lists and validates the local distribution', async () => {
    const listed = await cli(['list-distributions']);
    expect(listed.stdout).toMatch(/^local\s+Everything on this machine/m);
    const valid = await cli(['validate', 'local']);
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('distributions/local/distribution.yaml is valid.');
  });

  it('reports every manifest problem with its path and exits 2', async () => {
    const path = join(dir, 'broken.yaml');
    await writeFile(
      path,
      [
        'name: broken',
        'providers:',
        '  inference:',
        '    - provider_id: llama',
        '      provider_type: inline::no-such-thing',
        'models:',
        '  - model_id: ${env.MODEL_ID}',
        'server:',
        '  port: 99999',
      ].join('\n'),
    );
    const result = await cli(['validate', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Distribution manifest ${path} has 2 problems:`);
    expect(result.stderr).toContain('models[0].model_id: environment variable MODEL_ID is not set');
    expect(result.stderr).toContain('server.port:');

    const withEnv = await cli(['validate', path, '--env', 'MODEL_ID=tiny']);
    expect(withEnv.stderr).toContain('server.port:');
    expect(withEnv.stderr).not.toContain('MODEL_ID');
  });

  it('names the distributions it knows when a name is unknown', async () => {
    const result = await cli(['run', 'nowhere']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "Unknown distribution 'nowhere'. Known here: cluster, local, remote-llama-stack, remote-openai, remote-tgi.",
    );
  });

  it('rejects a malformed --env and --port', async () => {
    const env = await cli(['validate', 'local', '--env', 'NOEQUALS']);
    expect(env.code).toBe(1);
    expect(env.stderr).toContain('expected KEY=VALUE');
    const port = await cli(['run', 'local', '--port', 'eighty']);
    expect(port.stderr).toContain('expected a port number');
  });

  it('runs the local distribution: health, OpenAPI, models, every API served, clean exit on SIGTERM', async () => {
    const { child, url, output } = await startServer([
      'local',
      '--port',
      '0',
      '--env',
      `LLAMA_STACK_TS_HOME=${dir}`,
      '--env',
      `LLAMA_STACK_TS_MODEL=${join(testModelsDir, 'stories260K.gguf')}`,
    ]);
    try {
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });

      const openapi = await fetch(`${url}/openapi.json`);
      expect(openapi.status).toBe(200);
      expect((await openapi.json()) as { paths: object }).toHaveProperty(['paths', '/models/list']);

      const models = (await (await fetch(`${url}/models/list`)).json()) as { data: { identifier: string }[] };
      expect(models.data.map((model) => model.identifier)).toEqual(
        expect.arrayContaining(['llama3.2-1b-instruct', 'all-MiniLM-L6-v2']),
      );

      // The last API `local` came to serve: an unknown job is its own 404, not the API's.
      const training = await fetch(`${url}/post_training/job/status?job_uuid=none`);
      expect(training.status).toBe(404);
      expect(JSON.stringify(await training.json())).toContain("Unknown training job 'none'");
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exitOf(child)).toBe(0);
    expect(output()).toContain('stopped.');
  });

  it('applies --env to the manifest and --host/--port over it', async () => {
    const path = join(dir, 'env.yaml');
    await writeFile(path, 'name: env-test\nserver:\n  port: ${env.MY_PORT}\n  auth_key: ${env.MY_KEY:=}\n');
    const { child, url } = await startServer([
      path,
      '--env',
      'MY_PORT=1',
      '--env',
      'MY_KEY=sesame',
      '--port',
      '0',
    ]);
    try {
      expect(url).not.toMatch(/:1$/);
      expect((await fetch(`${url}/models/list`)).status).toBe(401);
      const authorized = await fetch(`${url}/models/list`, { headers: { authorization: 'Bearer sesame' } });
      expect(authorized.status).toBe(200);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exitOf(child)).toBe(0);
  });
});

describe('findDistribution', () => {
  it('takes a path to a file or a directory, or a name', async () => {
    expect(findDistribution('local', { cwd: repoRoot })).toBe(
      join(repoRoot, 'distributions/local/distribution.yaml'),
    );
    expect(findDistribution('distributions/local', { cwd: repoRoot })).toBe(
      join(repoRoot, 'distributions/local/distribution.yaml'),
    );
    expect(findDistribution('./distributions/local/distribution.yaml', { cwd: repoRoot })).toBe(
      join(repoRoot, 'distributions/local/distribution.yaml'),
    );
    expect(() => findDistribution('./missing.yaml', { cwd: dir })).toThrow(/No such file/);
  });

  it('finds installed @llama-stack-ts/distribution-<name> packages', async () => {
    const { mkdir } = await import('node:fs/promises');
    const packageDir = join(dir, 'app', 'node_modules', '@llama-stack-ts', 'distribution-remote-demo');
    await mkdir(packageDir, { recursive: true });
    await writeFile(join(packageDir, 'distribution.yaml'), 'name: remote-demo\ndescription: "A demo"\n');
    const found = listDistributions({ cwd: join(dir, 'app') }).find((entry) => entry.name === 'remote-demo');
    expect(found).toEqual({
      name: 'remote-demo',
      manifestPath: join(packageDir, 'distribution.yaml'),
      origin: 'package',
      description: 'A demo',
    });
    expect(findDistribution('remote-demo', { cwd: join(dir, 'app') })).toBe(
      join(packageDir, 'distribution.yaml'),
    );
  });
});
