// biome-ignore-all lint/suspicious/noTemplateCurlyInString: manifests spell ${env.NAME} literally.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, parseManifest } from './load-manifest.js';
import { ManifestError } from './manifest-error.js';
import { getManifestOrigin } from './manifest-origin.js';

async function rejection(promise: Promise<unknown>): Promise<ManifestError> {
  try {
    await promise;
  } catch (error) {
    if (ManifestError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

function thrown(run: () => unknown): ManifestError {
  try {
    run();
  } catch (error) {
    if (ManifestError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

const manifestText = `
name: test
description: A test distribution
providers:
  inference:
    - provider_id: \${env.TGI_URL:+tgi}
      provider_type: remote::tgi
      config:
        url: \${env.TGI_URL:=http://localhost:8080}
    - provider_id: local
      provider_type: inline::llama-cpp
      config:
        model_path: \${env.MODEL_PATH}
        threads: \${env.THREADS:=1}
models:
  - model_id: big
    provider_id: tgi
  - model_id: tiny
    provider_id: local
    provider_model_id: stories260K.gguf
server:
  port: \${env.PORT:=8321}
`;

describe('loadManifest', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lsts-manifest-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file, substitutes, fills defaults and remembers where it came from', async () => {
    const path = join(dir, 'distribution.yaml');
    await writeFile(path, manifestText);
    const manifest = await loadManifest(path, { env: { MODEL_PATH: '/models/tiny.gguf', PORT: '9999' } });
    expect(manifest.providers.inference).toEqual([
      {
        provider_id: 'local',
        provider_type: 'inline::llama-cpp',
        config: { model_path: '/models/tiny.gguf', threads: 1 },
      },
    ]);
    // The model of the dropped `tgi` provider goes with it.
    expect(manifest.models.map((model) => model.model_id)).toEqual(['tiny']);
    expect(manifest.models[0]).toMatchObject({
      model_type: 'llm',
      metadata: {},
      provider_model_id: 'stories260K.gguf',
    });
    expect(manifest.server).toEqual({
      port: 9999,
      host: '127.0.0.1',
      allowed_hosts: [],
      cors_origins: [],
      metrics_public: false,
      max_body_bytes: 16 * 1024 * 1024,
      max_upload_bytes: 512 * 1024 * 1024,
      shutdown_timeout_ms: 10_000,
    });
    expect(getManifestOrigin(manifest)).toMatchObject({ path, baseDir: dir });
  });

  it('keeps the conditional provider when its variable is set', () => {
    const manifest = parseManifest(manifestText, { env: { MODEL_PATH: 'm', TGI_URL: 'http://tgi:80' } });
    expect(manifest.providers.inference?.map((entry) => [entry.provider_id, entry.config.url])).toEqual([
      ['tgi', 'http://tgi:80'],
      ['local', undefined],
    ]);
    expect(manifest.models).toHaveLength(2);
  });

  it('names the YAML path of a missing required variable', () => {
    const error = thrown(() => parseManifest(manifestText, { env: {} }));
    expect(error.problems).toEqual([
      {
        path: 'providers.inference[1].config.model_path',
        message: expect.stringContaining('MODEL_PATH is not set'),
      },
    ]);
  });

  it('fills a list from one variable: comma-separated, an unset one empty', () => {
    const text = 'name: t\nserver:\n  allowed_hosts: ${env.HOSTS:=}\n  cors_origins: ${env.ORIGINS:=}\n';
    const manifest = parseManifest(text, { env: { HOSTS: 'a.example, b.example' } });
    expect(manifest.server.allowed_hosts).toEqual(['a.example', 'b.example']);
    expect(manifest.server.cors_origins).toEqual([]);
    const error = thrown(() => parseManifest(text, { env: { ORIGINS: 'not an origin' } }));
    expect(error.problems.map((problem) => problem.path)).toEqual(['server.cors_origins[0]']);
  });

  it('reports unset variables and schema problems together', () => {
    const error = thrown(() =>
      parseManifest('name: t\nserver:\n  port: ${env.PORT}\n  hots: x\n', { env: {}, origin: 'dist.yaml' }),
    );
    expect(error.problems.map((problem) => problem.path)).toEqual(['server.port', 'server.hots']);
    expect(error.message.split('\n')[0]).toBe('Distribution manifest dist.yaml has 2 problems:');
  });

  it('reports schema problems at the indices the user wrote, after dropping disabled entries', () => {
    const text = `
name: test
providers:
  inference:
    - provider_id: \${env.OFF:+off}
      provider_type: remote::tgi
    - provider_id: bad id
      provider_type: llama-cpp
      confg: {}
models:
  - model_id: m
    model_type: chat
server:
  port: high
`;
    const error = thrown(() => parseManifest(text, { env: {} }));
    const byPath = Object.fromEntries(error.problems.map((problem) => [problem.path, problem.message]));
    expect(Object.keys(byPath).sort()).toEqual([
      'models[0].model_type',
      'providers.inference[1].confg',
      'providers.inference[1].provider_id',
      'providers.inference[1].provider_type',
      'server.port',
    ]);
    expect(byPath['providers.inference[1].confg']).toMatch(
      /unknown key 'confg'.*Allowed here: provider_id, provider_type, module, config/,
    );
    expect(byPath['providers.inference[1].provider_type']).toMatch(/inline::<name>/);
  });

  it('gives the value back as text where a schema wants a string', () => {
    const manifest = parseManifest('name: t\nserver:\n  auth_key: ${env.KEY}\n', { env: { KEY: '123456' } });
    expect(manifest.server.auth_key).toBe('123456');
  });

  it("names an unknown API and the Llama Stack name's counterpart", () => {
    const error = thrown(() => parseManifest('name: t\nproviders:\n  agents: []\n'));
    expect(error.problems[0]?.path).toBe('providers.agents');
    expect(error.problems[0]?.message).toMatch(
      /unknown API 'agents' \(Llama Stack's 'agents' is 'agentic_system' here\)/,
    );
  });

  it("accepts Llama Stack's image_name for name, and empty sections", () => {
    const manifest = parseManifest('image_name: ollama\nproviders:\n  inference:\nmodels:\n');
    expect(manifest.name).toBe('ollama');
    expect(manifest.providers).toEqual({ inference: [] });
  });

  it('reads url_fetch, dropping an allowed host whose variable is unset', () => {
    const text =
      'name: t\nurl_fetch:\n  allowed_private_hosts: [minio.internal, 10.0.0.0/8, "fd00::5", "${env.EXTRA_HOST:=}"]\n';
    expect(parseManifest(text).url_fetch).toEqual({
      allowed_private_hosts: ['minio.internal', '10.0.0.0/8', 'fd00::5'],
    });
    expect(parseManifest('name: t\nurl_fetch:\n').url_fetch).toEqual({ allowed_private_hosts: [] });
  });

  it('names an allowed private host that is no host, address or CIDR', () => {
    const error = thrown(() =>
      parseManifest('name: t\nurl_fetch:\n  allowed_private_hosts: ["10.0.0.0/40", "http://minio"]\n'),
    );
    expect(error.problems.map((problem) => problem.path)).toEqual([
      'url_fetch.allowed_private_hosts[0]',
      'url_fetch.allowed_private_hosts[1]',
    ]);
    expect(error.problems[0]?.message).toContain('a CIDR (10.0.0.0/8)');
  });

  it('reports YAML syntax errors with line and column', () => {
    const error = thrown(() => parseManifest('name: t\nproviders:\n  inference: [\n', { origin: 'x.yaml' }));
    expect(error.problems[0]?.path).toMatch(/^line \d+, column \d+$/);
    expect(error.message).toContain('x.yaml');
  });

  it('reports a missing file', async () => {
    const error = await rejection(loadManifest(join(dir, 'nope.yaml')));
    expect(error.message).toMatch(/no such file/);
  });
});
