import { NotFoundError, RunShieldRequest, type Safety, StackError } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { shieldsProviderSpec } from './shields-provider-spec.js';

const quiet = { info() {}, warn() {}, error() {} };

async function start(config: unknown, shields: unknown[] = []): Promise<Safety> {
  const instance = await shieldsProviderSpec.create(shieldsProviderSpec.configSchema.parse(config), {
    providerId: 'shields',
    dataDir: '/tmp/safety-shields-unit',
    deps: {},
    models: [],
    logger: quiet,
    shields: shields as never,
  });
  return instance.implementation;
}

const insecureAnswer = [
  'Use this:',
  '```python',
  'import requests',
  'requests.get(url, verify=False)',
  'digest = hashlib.md5(password).hexdigest()',
  '```',
].join('\n');

function request(shield: string, content: string, params: Record<string, unknown> = {}): RunShieldRequest {
  return RunShieldRequest.parse({
    shield_type: shield,
    messages: [
      { role: 'user', content: 'fetch a url' },
      { role: 'assistant', content },
    ],
    params,
  });
}

describe('inline::shields', () => {
  it('runs code_guard by type with no configuration; findings name rule, line and severity', async () => {
    const safety = await start({});
    const { violation } = await safety.runShield(request('code_guard', insecureAnswer));
    expect(violation).toEqual({
      violation_type: 'python/tls-verification-disabled,python/weak-hash',
      details: [
        'code_guard found 2 issues:',
        'python/tls-verification-disabled [error] at message 1 line 4: turns off TLS certificate verification; keep it on and point verify= at a CA bundle if needed (`requests.get(url, verify=False)`)',
        'python/weak-hash [warning] at message 1 line 5: uses MD5/SHA-1, which are broken for secrets; hash passwords with hashlib.scrypt/argon2/bcrypt (`digest = hashlib.md5(password).hexdigest()`)',
      ].join('\n'),
      suggested_user_response: 'Sorry, I found security concerns in the code.',
    });
    expect((await safety.runShield(request('code_guard', 'Paris is the capital.'))).violation).toBeNull();
  });

  it('lays request params over configured ones (min_severity, disabled_rules)', async () => {
    const safety = await start({
      shields: [{ shield_id: 'strict-code', shield_type: 'code_guard', params: { min_severity: 'error' } }],
    });
    const { violation } = await safety.runShield(request('strict-code', insecureAnswer));
    expect(violation?.violation_type).toBe('python/tls-verification-disabled');
    const relaxed = await safety.runShield(
      request('strict-code', insecureAnswer, { disabled_rules: ['python/tls-verification-disabled'] }),
    );
    expect(relaxed.violation).toBeNull();
    const error = await safety
      .runShield(request('strict-code', insecureAnswer, { disabled_rules: ['nope'] }))
      .catch((caught: unknown) => caught);
    expect((error as StackError).field).toBe('params.disabled_rules.0');
  });

  it("serves the manifest's shields by id, and by type through the first shield of that type", async () => {
    const safety = await start({}, [
      { shield_id: 'no-zorp', shield_type: 'regex', params: { terms: ['zorp'] } },
    ]);
    expect((await safety.runShield(request('no-zorp', 'I like Zorp'))).violation?.violation_type).toBe(
      'banned_content',
    );
    expect((await safety.runShield(request('regex', 'I like Zorp'))).violation?.details).toMatch(
      /term 'zorp'/,
    );
  });

  it('answers 404 naming the shields it serves for an unknown one; llama_guard needs an entry', async () => {
    const safety = await start({ shields: [{ shield_id: 'mine', shield_type: 'regex', params: {} }] });
    for (const name of ['nope', 'llama_guard']) {
      const error = await safety.runShield(request(name, 'x')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as StackError).message).toMatch(/serves: mine, code_guard, regex/);
    }
  });

  it('rejects a manifest shield of a type it does not implement', async () => {
    const error = await start({}, [{ shield_id: 'x', shield_type: 'nemo_guardrails', params: {} }]).catch(
      (caught: unknown) => caught,
    );
    expect(StackError.isInstance(error) && error.message).toMatch(
      /serves llama_guard, prompt_guard, code_guard, regex/,
    );
  });
});
