// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages spell ${env.NAME} literally.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, killAllChildren, runCli } from './support/cli-process.js';
import { echoManifest, manifestsDir } from './support/repo-paths.js';

// `llama-stack-ts validate` on manifests that cannot start: the command exits 2 (a manifest
// problem) and prints each problem at the YAML path of the offending field, before anything runs.
// The manifests live in fixtures/manifests/invalid/, each saying at its top what must be reported.

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lsts-manifest-errors-'));
});
afterAll(async () => {
  await killAllChildren();
  await rm(home, { recursive: true, force: true });
});

function validate(file: string, args: readonly string[] = []): Promise<CliResult> {
  // The variable the unset-env case reads is removed, whatever the developer's shell exports.
  return runCli(['validate', join(manifestsDir, 'invalid', file), ...args], {
    home,
    env: { LSTS_TEST_ECHO_TRANSFORM: undefined },
  });
}

/** The problem lines of a ManifestError report: `  - <yaml path>: <message>`. */
function problems(result: CliResult): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of result.stderr.matchAll(/^ {2}- (\S+?): (.*)$/gm)) found.set(match[1]!, match[2]!);
  return found;
}

function expectRejected(result: CliResult, file: string, count: number): void {
  expect(result.code, `${file}: exit code\n${result.stdout}${result.stderr}`).toBe(2);
  expect(result.stdout).not.toContain('is valid');
  expect(result.stderr).toContain(`Distribution manifest ${join(manifestsDir, 'invalid', file)} has`);
  // A report for the user, not a crash.
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(problems(result).size).toBe(count);
}

describe('llama-stack-ts validate', () => {
  it('accepts the echo manifest the end-to-end suite runs', async () => {
    const result = await runCli(['validate', echoManifest], { home });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('is valid');
    expect(result.stdout).toContain('echo (inline::echo)');
  });

  it('names providers.<api>[i].provider_type for an unknown provider type, with the known ones', async () => {
    const result = await validate('unknown-provider-type.yaml');
    expectRejected(result, 'unknown-provider-type.yaml', 1);
    const message = problems(result).get('providers.inference[0].provider_type');
    expect(message).toContain("unknown provider_type 'inline::no-such-provider'");
    expect(message).toContain('Known: ');
    expect(message).toContain('module:');
  });

  it('names providers.<api>[i].module when the package serves another API', async () => {
    const result = await validate('provider-under-wrong-api.yaml');
    expectRejected(result, 'provider-under-wrong-api.yaml', 1);
    expect(problems(result).get('providers.safety[0].module')).toContain(
      "provides 'inline::echo' for the 'inference' API, not 'safety'",
    );
  });

  it('names each config field that is missing or of the wrong type, all in one report', async () => {
    const result = await validate('missing-required-config.yaml');
    expectRejected(result, 'missing-required-config.yaml', 2);
    const found = problems(result);
    expect(found.get('providers.inference[0].config.transform')).toMatch(/upper.*reverse/);
    expect(found.get('providers.inference[0].config.chunk_delay_ms')).toContain('expected number');
  });

  it('names the field of an unset ${env.X} and how to set it; --env fixes it', async () => {
    const result = await validate('unset-env.yaml');
    expectRejected(result, 'unset-env.yaml', 1);
    const message = problems(result).get('providers.inference[0].config.transform');
    expect(message).toContain('environment variable LSTS_TEST_ECHO_TRANSFORM is not set');
    expect(message).toContain('--env LSTS_TEST_ECHO_TRANSFORM=');
    expect(message).toContain('${env.LSTS_TEST_ECHO_TRANSFORM:=<default>}');

    const fixed = await validate('unset-env.yaml', ['--env', 'LSTS_TEST_ECHO_TRANSFORM=reverse']);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
  });

  it('reports an API dependency cycle at the provider that starts it, naming both providers', async () => {
    const result = await validate('dependency-cycle.yaml');
    expectRejected(result, 'dependency-cycle.yaml', 1);
    const message = problems(result).get('providers.inference[0]');
    expect(message).toContain('API dependency cycle inference -> safety -> inference');
    expect(message).toContain('providers.inference[0] (inline::echo-needs-safety) needs safety');
    expect(message).toContain('providers.safety[0] (inline::guard-needs-inference) needs inference');
  });

  it('names providers.<api>[i].provider_type when an API it depends on is not served', async () => {
    const result = await validate('missing-dependency.yaml');
    expectRejected(result, 'missing-dependency.yaml', 1);
    expect(problems(result).get('providers.inference[0].provider_type')).toContain(
      "needs the 'safety' API, but no provider serves it: add one under providers.safety",
    );
  });
});
