import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgenticSystem,
  AgenticSystemCreateRequest,
  AgenticSystemSessionTurnRequest,
} from '@llama-stack-ts/core';
import { llamaCppProviderSpec } from '@llama-stack-ts/provider-inference-llama-cpp';
import { describeWithModels, testModelsDir } from '@llama-stack-ts/provider-utils/test';
import { createStack, type DistributionManifestInput, silentLogger } from '@llama-stack-ts/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agentsReferenceProviderSpec } from '../../src/index.js';

const stories = [join(testModelsDir, 'stories260K.gguf')];

const manifest = (dataDir: string): DistributionManifestInput => ({
  name: 'agents-test',
  data_dir: dataDir,
  providers: {
    inference: [
      {
        provider_id: 'llama-cpp',
        provider_type: 'inline::llama-cpp',
        config: { gpu: 'cpu', model_dir: testModelsDir, context_size: 2048 },
      },
    ],
    agentic_system: [{ provider_id: 'agents', provider_type: 'inline::reference', config: {} }],
  },
  models: [{ model_id: 'story-teller', provider_model_id: 'stories260K.gguf' }],
});

describeWithModels('inline::reference inside a stack with the real llama-cpp provider', stories, () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'agents-stack-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a turn whose forced tool call (tool_choice required, under a grammar) is executed by math, and keeps the session across a restart', async () => {
    const start = () =>
      createStack(manifest(dataDir), {
        providers: [llamaCppProviderSpec, agentsReferenceProviderSpec],
        logger: silentLogger,
      });
    let sessionId: string;
    let agentUuid: string;
    {
      await using stack = await start();
      const agents = stack.apis.agentic_system as AgenticSystem;
      const { agent_uuid } = await agents.createAgenticSystem(
        AgenticSystemCreateRequest.parse({
          instructions: 'You compute.',
          model: 'story-teller',
          available_tools: [
            {
              tool_name: 'math',
              // One allowed expression, so the tiny model's grammar-forced call is predictable.
              parameters: {
                type: 'object',
                properties: { query: { type: 'string', enum: ['2 + 3 * 4'] } },
                required: ['query'],
              },
            },
          ],
          executable_tools: ['math'],
          tool_choice: 'required',
          max_infer_iters: 2,
          // Room for the forced call (stories260K spells its JSON mostly one character per token),
          // while the answer after it stays short: unbounded, it runs to the end of the context.
          sampling_params: { max_tokens: 200 },
        }),
      );
      const session = await agents.createSession?.({ agent_uuid });
      if (!session) throw new Error('the provider serves no sessions');
      sessionId = session.session_id;
      const result = await agents.executeSessionTurn?.(
        AgenticSystemSessionTurnRequest.parse({
          agent_uuid,
          session_id: sessionId,
          messages: [{ role: 'user', content: 'What is 2 + 3 * 4?' }],
        }),
      );
      const turn = result?.turn;
      expect(turn?.steps[0]).toMatchObject({ step_type: 'model_inference' });
      expect(turn?.steps[1]).toEqual({
        step_type: 'tool_execution',
        uuid: expect.any(String),
        tool_calls: [{ tool_name: 'math', arguments: { query: '2 + 3 * 4' } }],
        tool_responses: [{ tool_name: 'math', content: '14' }],
      });
      expect(turn?.steps[2]).toMatchObject({ step_type: 'model_inference' });
      expect(turn?.response_message.role).toBe('assistant');
      agentUuid = agent_uuid;
    }
    {
      await using stack = await start();
      const agents = stack.apis.agentic_system as AgenticSystem;
      const session = await agents.getSession?.({ agent_uuid: agentUuid, session_id: sessionId });
      expect(session?.turns).toHaveLength(1);
      expect(session?.turns[0]?.steps.map((step) => step.step_type).slice(0, 2)).toEqual([
        'model_inference',
        'tool_execution',
      ]);
    }
  });
});
