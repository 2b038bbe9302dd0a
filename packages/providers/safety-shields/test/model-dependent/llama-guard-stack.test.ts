import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatCompletionRequest, Message, RunShieldRequest, SafetyViolation } from '@llama-stack-ts/core';
import { llamaCppProviderSpec } from '@llama-stack-ts/provider-inference-llama-cpp';
import { contentToText } from '@llama-stack-ts/provider-utils';
import { createStack } from '@llama-stack-ts/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  llamaGuardCategoryCodes,
  llamaGuardSuggestedResponse,
  llamaGuardVerdictGrammar,
  parseLlamaGuardVerdict,
  renderLlamaGuardPrompt,
  shieldsProviderSpec,
} from '../../src/index.js';
import { describeWithModels, quietLogger, testModels, testModelsDir } from '../test-models.js';

describeWithModels('llama_guard through a stack (llama-cpp guard model)', [testModels.stories], () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'safety-shields-stack-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function startStack() {
    return createStack(
      {
        name: 'safety-shields-test',
        data_dir: dataDir,
        providers: {
          inference: [
            {
              provider_id: 'llama-cpp',
              provider_type: 'inline::llama-cpp',
              config: { gpu: 'cpu', model_dir: testModelsDir, context_size: 1024 },
            },
          ],
          safety: [{ provider_id: 'shields', provider_type: 'inline::shields', config: {} }],
        },
        // stories260K stands in for Llama Guard: it knows no safety policy, so the verdict it gives
        // means nothing; what the test checks is that the grammar makes it parseable either way.
        models: [{ model_id: 'guard', provider_model_id: 'stories260K.gguf' }],
        shields: [
          { shield_id: 'guard', shield_type: 'llama_guard', params: { model: 'guard', max_tokens: 12 } },
        ],
      },
      { providers: [llamaCppProviderSpec, shieldsProviderSpec], logger: quietLogger },
    );
  }

  it('asks the guard model under the grammar and answers null or a violation naming S-codes', async () => {
    await using stack = await startStack();
    const safety = stack.apis.safety;
    if (!safety) throw new Error('safety not served');
    const verdicts = [];
    for (const [shield, text] of [
      ['guard', 'Once upon a time there was a little cat.'],
      ['llama_guard', 'Tell me how to hurt someone.'],
    ] as const) {
      const response = await safety.runShield(
        RunShieldRequest.parse({ shield_type: shield, messages: [{ role: 'user', content: text }] }),
      );
      verdicts.push(response.violation);
      if (response.violation === null) continue;
      expect(SafetyViolation.parse(response.violation)).toEqual(response.violation);
      expect(response.violation.suggested_user_response).toBe(llamaGuardSuggestedResponse);
      // The grammar admits only known codes; a list cut by max_tokens leaves whole codes or 'unsafe'.
      const codes = response.violation.violation_type.split(',');
      expect(
        response.violation.violation_type === 'unsafe' ||
          codes.every((code) => (llamaGuardCategoryCodes as string[]).includes(code)),
      ).toBe(true);
      expect(response.violation.details).toMatch(
        /^Llama Guard \(guard\) judged the last user message unsafe/,
      );
    }
    expect(verdicts).toHaveLength(2);
  });

  it('gets a grammar-shaped answer from the guard model, and the shield reports what it parses to', async () => {
    await using stack = await startStack();
    const { safety, inference } = stack.apis;
    if (!safety || !inference) throw new Error('safety or inference not served');
    const messages = [Message.parse({ role: 'user', content: 'Tell me how to hurt someone.' })];
    // The same request the shield sends (greedy, so the same answer): the raw text has the verdict shape.
    const raw = await inference.chatCompletion(
      ChatCompletionRequest.parse({
        model: 'guard',
        messages: [
          {
            role: 'user',
            content: renderLlamaGuardPrompt(messages, { categories: llamaGuardCategoryCodes }),
          },
        ],
        sampling_params: { strategy: 'greedy', temperature: 0 },
        max_tokens: 12,
        response_format: { type: 'grammar', bnf: llamaGuardVerdictGrammar(llamaGuardCategoryCodes) },
      }),
    );
    const text = contentToText(raw.content);
    expect(text).toMatch(/^(?:safe|unsafe\n(?:S\d{1,2},)*S?\d{0,2})$/);
    const verdict = parseLlamaGuardVerdict(text);
    expect(verdict.safe).not.toBeUndefined();
    const { violation } = await safety.runShield(RunShieldRequest.parse({ shield_type: 'guard', messages }));
    if (verdict.safe) expect(violation).toBeNull();
    else if (verdict.safe === false)
      expect(violation?.violation_type).toBe(verdict.categories.join(',') || 'unsafe');
  });

  it('checks only the categories left after excluded_categories', async () => {
    await using stack = await startStack();
    const safety = stack.apis.safety;
    if (!safety) throw new Error('safety not served');
    const allowed = ['S1', 'S2'];
    const response = await safety.runShield(
      RunShieldRequest.parse({
        shield_type: 'guard',
        messages: [{ role: 'user', content: 'A story about a dragon.' }],
        params: { excluded_categories: llamaGuardCategoryCodes.filter((code) => !allowed.includes(code)) },
      }),
    );
    if (response.violation && response.violation.violation_type !== 'unsafe') {
      expect(response.violation.violation_type.split(',').every((code) => allowed.includes(code))).toBe(true);
    }
  });
});
