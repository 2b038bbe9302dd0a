import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAllChildren, type RunningDistribution } from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// Findings 5 and 6 of the hostile-input probe, over HTTP against `run local` on stories260K:
// concurrent turns of one session forked its history (every turn saw the same history), and
// concurrent creates with one agent_uuid all answered 200, the last one silently winning.

/** `local`'s default LLAMA_STACK_TS_MODEL_ID, here serving stories260K. */
const localModelId = 'llama3.2-1b-instruct';

interface Turn {
  response_message: { content: string };
}

describeWithModels('agent sessions under concurrent requests', [testModels.stories], () => {
  let home: string;
  let distribution: RunningDistribution;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lsts-hostile-agents-'));
    distribution = await startLocalDistribution({ home });
  });

  afterAll(async () => {
    await killAllChildren();
    await rm(home, { recursive: true, force: true });
  });

  async function call<T>(path: string, body: unknown): Promise<T> {
    const response = await postJson(`${distribution.url}${path}`, body);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as T;
  }

  async function newSession(agentUuid: string): Promise<string> {
    const { session_id } = await call<{ session_id: string }>('/agentic_system/session/create', {
      agent_uuid: agentUuid,
    });
    return session_id;
  }

  const turn = (agentUuid: string, sessionId: string) =>
    call<{ turn: Turn }>('/agentic_system/turn/create', {
      agent_uuid: agentUuid,
      session_id: sessionId,
      messages: [{ role: 'user', content: 'Once upon a time' }],
    });

  async function storedAnswers(agentUuid: string, sessionId: string): Promise<string[]> {
    const response = await fetch(
      `${distribution.url}/agentic_system/session/get?agent_uuid=${agentUuid}&session_id=${sessionId}`,
    );
    const session = (await response.json()) as { turns: Turn[] };
    return session.turns.map((stored) => stored.response_message.content);
  }

  it('runs concurrent turns of one session in order, each seeing the turns before it, as sequential turns do', async () => {
    await call('/agentic_system/create', {
      uuid: 'storyteller',
      model: localModelId,
      instructions: 'Tell a story.',
      sampling_params: { strategy: 'greedy', max_tokens: 12 },
    });
    const sequential = await newSession('storyteller');
    for (let index = 0; index < 5; index += 1) await turn('storyteller', sequential);
    const expected = await storedAnswers('storyteller', sequential);
    // Greedy decoding over a growing history: the answers differ turn by turn.
    expect(new Set(expected).size).toBeGreaterThan(1);

    const concurrent = await newSession('storyteller');
    const answers = await Promise.all(Array.from({ length: 5 }, () => turn('storyteller', concurrent)));
    expect(await storedAnswers('storyteller', concurrent)).toEqual(expected);
    expect(answers.map(({ turn: answered }) => answered.response_message.content).sort()).toEqual(
      [...expected].sort(),
    );
  });

  it('creates an agent once when 20 creates with its uuid arrive together; the others get 409', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        postJson(`${distribution.url}/agentic_system/create`, {
          uuid: 'contested',
          model: localModelId,
          instructions: `variant ${index}`,
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
  });
});
