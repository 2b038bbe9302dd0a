// biome-ignore-all lint/suspicious/noTemplateCurlyInString: manifests spell ${env.NAME} literally.
import { describe, expect, it } from 'vitest';
import { ManifestError } from './manifest-error.js';
import { substituteEnv } from './substitute-env.js';

const env = { HOST: 'example.org', PORT: '9000', EMPTY: '', FLAG: 'true', KEY: '0123', RATIO: '0.5' };

function thrown(run: () => unknown): ManifestError {
  try {
    run();
  } catch (error) {
    if (ManifestError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('substituteEnv', () => {
  it('replaces ${env.NAME} inside longer text', () => {
    const { value } = substituteEnv({ url: 'http://${env.HOST}:${env.PORT}/v1' }, { env });
    expect(value).toEqual({ url: 'http://example.org:9000/v1' });
  });

  it('uses the default of ${env.NAME:=default} when NAME is unset or empty', () => {
    const { value } = substituteEnv(
      {
        a: '${env.MISSING:=fallback}',
        b: '${env.EMPTY:=fallback}',
        c: '${env.HOST:=fallback}',
        d: '${env.MISSING:=}x',
      },
      { env },
    );
    expect(value).toEqual({ a: 'fallback', b: 'fallback', c: 'example.org', d: 'x' });
  });

  it('accepts the older ${env.NAME:default} and the shell ${env.NAME:-default} as :=', () => {
    const { value } = substituteEnv(
      { a: '${env.MISSING:http://localhost:8080}', b: '${env.MISSING:-x}' },
      { env },
    );
    expect(value).toEqual({ a: 'http://localhost:8080', b: 'x' });
  });

  it('gives the value of ${env.NAME:+value} only when NAME is set', () => {
    const { value, emptied } = substituteEnv(
      { on: '${env.HOST:+tgi}', off: '${env.MISSING:+tgi}', blank: '${env.EMPTY:+tgi}' },
      { env },
    );
    expect(value).toEqual({ on: 'tgi' });
    expect([...emptied].sort()).toEqual(['blank', 'off']);
  });

  it('types a value that is exactly one substitution, and remembers the text', () => {
    const { value, converted } = substituteEnv(
      {
        port: '${env.PORT}',
        flag: '${env.FLAG}',
        ratio: '${env.RATIO}',
        pin: '${env.KEY}',
        text: 'port ${env.PORT}',
      },
      { env },
    );
    expect(value).toEqual({ port: 9000, flag: true, ratio: 0.5, pin: '0123', text: 'port 9000' });
    expect(converted.get('port')).toBe('9000');
    expect(converted.has('pin')).toBe(false);
  });

  it('walks lists and nested maps, dropping list items that came out empty', () => {
    const { value } = substituteEnv(
      { apis: ['inference', '${env.MISSING:+safety}', '${env.HOST:+memory_banks}'] },
      { env },
    );
    expect(value).toEqual({ apis: ['inference', 'memory_banks'] });
  });

  it('leaves keys and text without ${env. untouched', () => {
    const tree = { '${env.HOST}': 'a ${literal} b', n: 3, nothing: null };
    expect(substituteEnv(tree, { env }).value).toEqual(tree);
  });

  it('reports every unset required variable with its YAML path and both fixes', () => {
    const error = thrown(() =>
      substituteEnv(
        { providers: { inference: [{ config: { url: '${env.TGI_URL}', key: '${env.EMPTY}' } }] } },
        { env },
      ),
    );
    expect(error.problems.map((problem) => problem.path)).toEqual([
      'providers.inference[0].config.url',
      'providers.inference[0].config.key',
    ]);
    expect(error.message).toContain(
      'providers.inference[0].config.url: environment variable TGI_URL is not set',
    );
    expect(error.message).toContain('export TGI_URL=...');
    expect(error.message).toContain('${env.TGI_URL:=<default>}');
    expect(error.problems[1]?.message).toContain('(it is empty)');
  });

  it('reports a malformed expression', () => {
    const error = thrown(() => substituteEnv({ models: [{ model_id: '${env.lower-case}' }] }, { env }));
    expect(error.problems[0]?.path).toBe('models[0].model_id');
    expect(error.problems[0]?.message).toMatch(/malformed substitution/);
  });
});
