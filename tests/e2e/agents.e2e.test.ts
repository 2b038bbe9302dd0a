import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixtureServer, type FixtureServer } from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningDistribution,
  startDistribution,
  stopDistribution,
} from '../support/cli-process.js';
import { postJson, readSseData } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { manifestsDir, repoRoot } from '../support/repo-paths.js';
import { describeWithModels, testModels, testModelsDir } from '../support/test-models.js';

// The agentic system end to end: `llama-stack-ts run` on tests/fixtures/manifests/agents.yaml
// (inline::reference on stories260K, model2vec + LanceDB memory, inline::shields, the builtin tools)
// driven over a real socket. stories260K cannot choose a tool, so each tool turn forces the call
// with `tool_choice` and pins its arguments with an `enum`: llama.cpp's grammar then makes the call
// exactly that, and the server really runs it. The agents' store is a temp dir kept across a restart.

const agentsManifest = join(manifestsDir, 'agents.yaml');
const model2vecModel = join(testModelsDir, 'minishlab/test-model-vocab-quantized');
const braveFixture = join(
  repoRoot,
  'packages/providers/agents-reference/src/tools/__fixtures__/brave-web-search.json',
);

interface ToolCall {
  tool_name: string;
  arguments: Record<string, unknown>;
}
interface ToolResponse {
  tool_name: string;
  content: unknown;
}
interface Message {
  role: string;
  content: unknown;
  tool_calls: ToolCall[];
  tool_responses: ToolResponse[];
}
interface Violation {
  violation_type: string;
  details: string;
  suggested_user_response?: string | null;
}
interface Step {
  step_type: 'model_inference' | 'tool_execution' | 'safety_filtering' | 'memory_retrieval';
  uuid: string;
  text?: string;
  tool_calls?: ToolCall[];
  tool_responses?: ToolResponse[];
  violation?: Violation | null;
  documents?: { uuid: string; content: string; metadata: Record<string, unknown> }[];
  scores?: number[];
}
interface Turn {
  user_messages: Message[];
  steps: Step[];
  response_message: Message;
}
interface StreamEvent {
  event_type: 'step_start' | 'step_progress' | 'step_end';
  step_uuid: string;
  step_type: Step['step_type'];
  response_text_delta?: string | null;
  tool_call?: ToolCall | null;
  tool_response_delta?: ToolResponse | null;
  violation?: Violation | null;
  retrieved_document?: { uuid: string } | null;
  stop_reason?: string | null;
}

const user = (content: string) => ({ role: 'user', content });

/** A tool whose single string argument may take one value only, so the forced call is known. */
const pinnedTool = (tool_name: string, argument: string, value: string) => ({
  tool_name,
  parameters: {
    type: 'object',
    properties: { [argument]: { type: 'string', enum: [value] } },
    required: [argument],
  },
});

describeWithModels('llama-stack-ts run <agents manifest>', [testModels.stories, model2vecModel], () => {
  let home: string;
  let storeDir: string;
  let search: FixtureServer;
  let distribution: RunningDistribution;

  const start = () =>
    startDistribution(agentsManifest, {
      home,
      env: {
        LLAMA_STACK_TS_TEST_MODELS: testModelsDir,
        AGENTS_STORE_DIR: storeDir,
        WEB_SEARCH_ENDPOINT: `${search.url}/res/v1/web/search`,
      },
    });

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${distribution.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async function stream(path: string, body: Record<string, unknown>): Promise<StreamEvent[]> {
    const response = await postJson(
      `${distribution.url}${path}`,
      { ...body, stream: true },
      { headers: { accept: 'text/event-stream' } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return readSseData<StreamEvent>(response);
  }

  async function createAgent(config: Record<string, unknown>): Promise<string> {
    const { agent_uuid } = await call<{ agent_uuid: string }>('POST', '/agentic_system/create', {
      instructions: 'You are a helpful assistant.',
      model: 'stories',
      // stories260K spells a forced call's JSON mostly one character per token: a smaller budget
      // cuts the call, which then comes back as text.
      sampling_params: { max_tokens: 200 },
      max_infer_iters: 2,
      ...config,
    });
    return agent_uuid;
  }

  const execute = async (agent_uuid: string, messages: unknown[], turn_history: Turn[] = []) =>
    (await call<{ turn: Turn }>('POST', '/agentic_system/execute', { agent_uuid, messages, turn_history }))
      .turn;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lsts-e2e-agents-'));
    storeDir = join(home, 'agents-store');
    search = await createFixtureServer({ 'GET /res/v1/web/search': { jsonFile: braveFixture } });
    distribution = await start();
  });

  afterAll(async () => {
    await killAllChildren();
    await search?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('retrieves from a memory bank: the memory_retrieval step records the documents and their scores', async () => {
    const documents = [
      { uuid: 'doc-llamas', content: 'Llamas live in the Andes and eat grass.', mime_type: 'text/plain' },
      { uuid: 'doc-boats', content: 'Boats float on the sea with sails.', mime_type: 'text/plain' },
      { uuid: 'doc-bread', content: 'Bread is baked in a hot oven.', mime_type: 'text/plain' },
    ];
    const created = await postJson(
      `${distribution.url}/memory_banks/create?bank_uuid=facts&bank_name=Facts`,
      documents,
    );
    expect(created.status).toBe(200);
    const agent = await createAgent({ memory_bank_uuids: ['facts'], sampling_params: { max_tokens: 8 } });
    const question = 'Where do llamas live?';
    const turn = await execute(agent, [user(question)]);

    expect(turn.steps.map((step) => step.step_type)).toEqual(['memory_retrieval', 'model_inference']);
    const retrieval = turn.steps[0] as Required<Step>;
    // What the bank itself answers for the turn's query, in the same order with the same scores.
    const direct = await call<{ chunks: { document_id: string }[]; scores: number[] }>(
      'POST',
      '/memory_bank/query',
      { bank_uuid: 'facts', query: question, params: { max_chunks: 5, mode: 'vector' } },
    );
    expect(retrieval.documents.map((document) => document.uuid)).toEqual(
      direct.chunks.map((chunk) => chunk.document_id),
    );
    expect(retrieval.scores).toEqual(direct.scores);
    expect(retrieval.documents.map((document) => document.uuid).sort()).toEqual([
      'doc-boats',
      'doc-bread',
      'doc-llamas',
    ]);
    expect(retrieval.scores).toEqual([...retrieval.scores].sort((a, b) => b - a));
    const llamas = retrieval.documents.find((document) => document.uuid === 'doc-llamas');
    expect(llamas).toMatchObject({ content: documents[0]?.content, metadata: { memory_bank_uuid: 'facts' } });
    // The stored user message is what the user sent; the passages went to the model only.
    expect(turn.user_messages[0]?.content).toBe(question);
    expect(turn.response_message.role).toBe('assistant');
  });

  it('forces a math call and runs it on the server: tool_execution with the call and its exact answer', async () => {
    const agent = await createAgent({
      available_tools: [pinnedTool('math', 'query', '2 + 3 * 4')],
      executable_tools: ['math'],
      tool_choice: { tool_name: 'math' },
    });
    const turn = await execute(agent, [user('What is 2 + 3 * 4?')]);
    expect(turn.steps.map((step) => step.step_type)).toEqual([
      'model_inference',
      'tool_execution',
      'model_inference',
    ]);
    expect(turn.steps[1]).toEqual({
      step_type: 'tool_execution',
      uuid: expect.any(String),
      tool_calls: [{ tool_name: 'math', arguments: { query: '2 + 3 * 4' } }],
      tool_responses: [{ tool_name: 'math', content: '14' }],
    });
  });

  it('forces a code_interpreter call and runs the code in the sandbox', async () => {
    const agent = await createAgent({
      available_tools: [pinnedTool('code_interpreter', 'code', 'print(6 * 7)')],
      executable_tools: ['code_interpreter'],
      tool_choice: { tool_name: 'code_interpreter' },
    });
    const turn = await execute(agent, [user('Run some code.')]);
    const execution = turn.steps.find((step) => step.step_type === 'tool_execution');
    expect(execution?.tool_calls).toEqual([
      { tool_name: 'code_interpreter', arguments: { code: 'print(6 * 7)' } },
    ]);
    expect(execution?.tool_responses).toEqual([
      { tool_name: 'code_interpreter', content: '[stdout]\n42\n\n[exit code 0]' },
    ]);
  });

  it('forces a web_search call answered by the (loopback) Brave API', async () => {
    const agent = await createAgent({
      available_tools: [pinnedTool('web_search', 'query', 'llama stack')],
      executable_tools: ['web_search'],
      tool_choice: { tool_name: 'web_search' },
    });
    const before = search.requests.length;
    const turn = await execute(agent, [user('Search the web.')]);
    const execution = turn.steps.find((step) => step.step_type === 'tool_execution');
    expect(execution?.tool_calls).toEqual([{ tool_name: 'web_search', arguments: { query: 'llama stack' } }]);
    const content = execution?.tool_responses?.[0]?.content;
    expect(JSON.parse(String(content))).toEqual({
      query: 'llama stack',
      top_k: [
        {
          title: 'Llama Stack',
          url: 'https://github.com/meta-llama/llama-stack',
          content: 'Composable building blocks to build Llama apps.',
        },
        {
          title: 'Llama Stack docs',
          url: 'https://llama-stack.readthedocs.io/',
          content: 'Documentation of the Llama Stack APIs.',
        },
      ],
    });
    const request = search.requests[before];
    expect(request?.query.get('q')).toBe('llama stack');
    expect(request?.headers['x-subscription-token']).toBe('test-key-not-real');
  });

  it('returns a call to a tool it does not run, then completes the turn with the client response (turn_history)', async () => {
    const agent = await createAgent({
      available_tools: [pinnedTool('get_weather', 'city', 'Lisbon')],
      executable_tools: [],
      tool_choice: { tool_name: 'get_weather' },
    });
    const first = await execute(agent, [user('What is the weather in Lisbon?')]);
    expect(first.steps.map((step) => step.step_type)).toEqual(['model_inference']);
    const weatherCall = { tool_name: 'get_weather', arguments: { city: 'Lisbon' } };
    expect(first.response_message).toMatchObject({ role: 'assistant', tool_calls: [weatherCall] });

    const response = { tool_name: 'get_weather', content: '{"sky":"sunny","celsius":24}' };
    const second = await execute(
      agent,
      [{ role: 'tool', content: response.content, tool_responses: [response] }],
      [first],
    );
    // The client's answer completes the call: the model answers in text and calls nothing more.
    expect(second.steps.map((step) => step.step_type)).toEqual(['model_inference']);
    expect(second.response_message.tool_calls).toEqual([]);
    expect(second.user_messages[0]?.tool_responses).toEqual([response]);
  });

  it('stops a turn at an input shield (regex by shield id) before any inference', async () => {
    const agent = await createAgent({ input_shields: [{ shield_type: 'banned-words' }] });
    const turn = await execute(agent, [user('Tell me about zorp.')]);
    expect(turn.steps).toEqual([
      {
        step_type: 'safety_filtering',
        uuid: expect.any(String),
        violation: {
          violation_type: 'banned_content',
          details: "message 0 (user) matches term 'zorp'",
          suggested_user_response: "I can't help with that.",
        },
      },
    ]);
    expect(turn.response_message).toMatchObject({ role: 'assistant', content: "I can't help with that." });

    const codeAgent = await createAgent({ input_shields: [{ shield_type: 'insecure-code' }] });
    const code = await execute(codeAgent, [
      user('Fix this:\n```python\ncursor.execute(f"SELECT * FROM t WHERE id = {user_id}")\n```'),
    ]);
    expect(code.steps.map((step) => step.step_type)).toEqual(['safety_filtering']);
    expect(code.steps[0]?.violation?.violation_type).toBe('python/sql-from-string');
  });

  it('stops a turn at an output shield: the answer is replaced by the suggested response', async () => {
    const prompt = [user('Tell me a story.')];
    // Greedy sampling: the unshielded agent shows the answer the shielded one will generate too.
    const plain = await execute(await createAgent({ sampling_params: { max_tokens: 12 } }), prompt);
    const answer = plain.response_message.content as string;
    const word = answer.match(/[A-Za-z]{3,}/)?.[0];
    if (!word) throw new Error(`stories260K answered no word to ban: '${answer}'`);

    const agent = await createAgent({
      sampling_params: { max_tokens: 12 },
      input_shields: [{ shield_type: 'banned-words' }],
      output_shields: [{ shield_type: 'banned-words', params: { terms: [word], roles: ['assistant'] } }],
    });
    const turn = await execute(agent, prompt);
    expect(turn.steps.map((step) => step.step_type)).toEqual([
      'safety_filtering',
      'model_inference',
      'safety_filtering',
    ]);
    expect(turn.steps[0]?.violation ?? null).toBeNull();
    expect(turn.steps[1]?.text).toBe(answer);
    expect(turn.steps[2]?.violation).toEqual({
      violation_type: 'banned_content',
      details: `message 1 (assistant) matches term '${word}'`,
      suggested_user_response: "I can't help with that.",
    });
    expect(turn.response_message.content).toBe("I can't help with that.");
  });

  it('streams a session turn as SSE in order, with the step ids of the stored turn, and keeps the session across a restart', async () => {
    const agent = await createAgent({
      available_tools: [pinnedTool('math', 'query', '6 * 7')],
      executable_tools: ['math'],
      tool_choice: { tool_name: 'math' },
      input_shields: [{ shield_type: 'banned-words' }],
    });
    const { session_id } = await call<{ session_id: string }>('POST', '/agentic_system/session/create', {
      agent_uuid: agent,
      session_name: 'restart-me',
    });
    const events = await stream('/agentic_system/turn/create', {
      agent_uuid: agent,
      session_id,
      messages: [user('What is 6 * 7?')],
    });

    // Each step is one start, its progress, one end, with one step id, before the next step begins.
    const steps: { uuid: string; type: string; events: StreamEvent[] }[] = [];
    for (const event of events) {
      if (event.event_type === 'step_start') {
        expect(steps.at(-1)?.events.at(-1)?.event_type ?? 'step_end').toBe('step_end');
        steps.push({ uuid: event.step_uuid, type: event.step_type, events: [event] });
        continue;
      }
      const open = steps.at(-1);
      expect(open?.events.at(-1)?.event_type).not.toBe('step_end');
      expect(event.step_uuid).toBe(open?.uuid);
      expect(event.step_type).toBe(open?.type);
      open?.events.push(event);
    }
    expect(steps.at(-1)?.events.at(-1)?.event_type).toBe('step_end');
    // The tool's output is new input to the model, so the input shield checks it too.
    expect(steps.map((step) => step.type)).toEqual([
      'safety_filtering',
      'model_inference',
      'tool_execution',
      'safety_filtering',
      'model_inference',
    ]);
    expect(new Set(steps.map((step) => step.uuid)).size).toBe(5);
    const [, firstInference, toolRun] = steps;
    expect(firstInference?.events.some((event) => event.tool_call?.tool_name === 'math')).toBe(true);
    expect(firstInference?.events.at(-1)?.stop_reason).toBeDefined();
    expect(toolRun?.events.map((event) => event.tool_response_delta?.content).filter(Boolean)).toEqual([
      '42',
    ]);

    const session = await call<{ session_name: string; turns: Turn[] }>(
      'GET',
      `/agentic_system/session/get?agent_uuid=${agent}&session_id=${session_id}`,
    );
    expect(session.session_name).toBe('restart-me');
    expect(session.turns).toHaveLength(1);
    const stored = session.turns[0] as Turn;
    expect(stored.steps.map((step) => step.uuid)).toEqual(steps.map((step) => step.uuid));
    // The streamed text deltas of each inference add up to the stored step's text.
    for (const step of steps.filter((entry) => entry.type === 'model_inference')) {
      const text = step.events.map((event) => event.response_text_delta ?? '').join('');
      expect(stored.steps.find((entry) => entry.uuid === step.uuid)?.text).toBe(text);
    }

    const stopped = await stopDistribution(distribution);
    expect(stopped.code).toBe(0);
    distribution = await start();
    const after = await call<{ turns: Turn[] }>(
      'GET',
      `/agentic_system/session/get?agent_uuid=${agent}&session_id=${session_id}`,
    );
    expect(after.turns).toEqual(session.turns);

    // The session's history goes on after the restart: the second turn is stored beside the first.
    await call('POST', '/agentic_system/turn/create', {
      agent_uuid: agent,
      session_id,
      messages: [user('And 6 * 7 again?')],
    });
    const grown = await call<{ turns: Turn[] }>(
      'GET',
      `/agentic_system/session/get?agent_uuid=${agent}&session_id=${session_id}`,
    );
    expect(grown.turns).toHaveLength(2);
    expect(grown.turns[0]).toEqual(stored);
  });
});

// `distributions/local` serves the shields and agents it registers, offline, on the small models.
describeWithModels(
  'llama-stack-ts run local: shields and agents',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    let home: string;
    let distribution: RunningDistribution;

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-local-agents-'));
      distribution = await startLocalDistribution({
        home,
        env: { HF_ENDPOINT: 'http://127.0.0.1:9', LLAMA_STACK_TS_BANNED_PATTERN: '\\bzorp\\b' },
      });
    });
    afterAll(async () => {
      await killAllChildren();
      await rm(home, { recursive: true, force: true });
    });

    async function post<T>(path: string, body: unknown): Promise<T> {
      const response = await postJson(`${distribution.url}${path}`, body);
      const text = await response.text();
      expect(response.status, text).toBe(200);
      return JSON.parse(text) as T;
    }

    it('runs its registered shields, and an agent turn through them stored in a session on disk', async () => {
      const banned = await post<{ violation: Violation | null }>('/safety/run_shield', {
        shield_type: 'banned_content',
        messages: [user('Tell me about zorp.')],
      });
      expect(banned.violation?.details).toBe('message 0 (user) matches pattern /\\bzorp\\b/');
      const code = await post<{ violation: Violation | null }>('/safety/run_shield', {
        shield_type: 'code_guard',
        messages: [user('```python\nrequests.get(url, verify=False)\n```')],
      });
      expect(code.violation?.violation_type).toBe('python/tls-verification-disabled');

      const { agent_uuid } = await post<{ agent_uuid: string }>('/agentic_system/create', {
        instructions: 'You are a helpful assistant.',
        model: 'llama3.2-1b-instruct',
        sampling_params: { max_tokens: 6 },
        input_shields: [{ shield_type: 'banned_content' }, { shield_type: 'code_guard' }],
      });
      const { session_id } = await post<{ session_id: string }>('/agentic_system/session/create', {
        agent_uuid,
      });
      const { turn } = await post<{ turn: Turn }>('/agentic_system/turn/create', {
        agent_uuid,
        session_id,
        messages: [user('Tell me a story.')],
      });
      expect(turn.steps.map((step) => step.step_type)).toEqual(['safety_filtering', 'model_inference']);
      expect(turn.steps[0]?.violation ?? null).toBeNull();
      expect(turn.response_message.content).toBe(turn.steps[1]?.text);
      const stored = await readdir(join(home, 'local/agents/kv'));
      expect(stored.some((file) => decodeURIComponent(file).includes(session_id))).toBe(true);
    });
  },
);
