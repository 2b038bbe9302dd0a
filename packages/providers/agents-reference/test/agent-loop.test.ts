import {
  AgenticSystemCreateRequest,
  type AgenticSystemCreateRequestInput,
  AgenticSystemExecuteRequest,
  type AgenticSystemExecuteRequestInput,
  type AgenticSystemExecuteResponseStreamChunk,
  AgenticSystemSessionTurnRequest,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
} from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { createTestAgenticSystem } from './support/create-test-agentic-system.js';
import { KeywordSafety } from './support/keyword-safety.js';
import { ScriptedInference } from './support/scripted-inference.js';

const agentInput = (extra: Partial<AgenticSystemCreateRequestInput> = {}): AgenticSystemCreateRequest =>
  AgenticSystemCreateRequest.parse({
    uuid: 'helper',
    instructions: 'You are a helpful assistant.',
    model: 'scripted',
    available_tools: [{ tool_name: 'math' }],
    executable_tools: ['math'],
    ...extra,
  });

const executeInput = (extra: Partial<AgenticSystemExecuteRequestInput> = {}): AgenticSystemExecuteRequest =>
  AgenticSystemExecuteRequest.parse({
    agent_uuid: 'helper',
    messages: [{ role: 'user', content: 'What is 2 + 3 * 4?' }],
    ...extra,
  });

const mathCall = (query: string) => ({ tool_name: 'math', arguments: { query } });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('the agent loop', () => {
  it('answers without tools in one inference step, with the instructions as the system message', async () => {
    const inference = new ScriptedInference([{ text: 'Hello there!' }]);
    await using system = await createTestAgenticSystem({ inference });
    await system.agentic.createAgenticSystem(agentInput({ available_tools: [], executable_tools: [] }));
    const { turn } = await system.agentic.execute(
      executeInput({ messages: [{ role: 'user', content: 'Hi' }] }),
    );
    expect(turn.steps).toEqual([{ step_type: 'model_inference', uuid: 'step-1', text: 'Hello there!' }]);
    expect(turn.response_message).toMatchObject({
      role: 'assistant',
      content: 'Hello there!',
      tool_calls: [],
    });
    expect(inference.requests[0]?.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(inference.requests[0]?.messages[0]?.content).toBe('You are a helpful assistant.');
  });

  it('runs an executable tool on the server and infers again with its response', async () => {
    const inference = new ScriptedInference([{ toolCalls: [mathCall('2 + 3 * 4')] }, { text: 'It is 14.' }]);
    await using system = await createTestAgenticSystem({ inference });
    await system.agentic.createAgenticSystem(agentInput());
    const { turn } = await system.agentic.execute(executeInput());
    expect(turn.steps).toEqual([
      { step_type: 'model_inference', uuid: 'step-1', text: '' },
      {
        step_type: 'tool_execution',
        uuid: 'step-2',
        tool_calls: [mathCall('2 + 3 * 4')],
        tool_responses: [{ tool_name: 'math', content: '14' }],
      },
      { step_type: 'model_inference', uuid: 'step-3', text: 'It is 14.' },
    ]);
    expect(turn.response_message.content).toBe('It is 14.');
    const second = inference.requests[1];
    expect(second?.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(second?.messages[3]?.tool_responses).toEqual([{ tool_name: 'math', content: '14' }]);
    expect(inference.requests[0]?.available_tools.map((tool) => tool.tool_name)).toEqual(['math']);
  });

  it('stops at the step limit, with the tool calls of the last inference run', async () => {
    const inference = new ScriptedInference((call) => ({
      text: `try ${call}`,
      toolCalls: [mathCall(`${call} + 1`)],
    }));
    await using system = await createTestAgenticSystem({ inference, config: { max_infer_iters: 5 } });
    await system.agentic.createAgenticSystem(agentInput({ max_infer_iters: 2 }));
    const { turn } = await system.agentic.execute(executeInput());
    expect(inference.requests).toHaveLength(2);
    expect(turn.steps.map((step) => step.step_type)).toEqual([
      'model_inference',
      'tool_execution',
      'model_inference',
      'tool_execution',
    ]);
    expect(turn.response_message).toMatchObject({ content: 'try 2', tool_calls: [] });
  });

  it('uses the provider default step limit when the agent sets none', async () => {
    const inference = new ScriptedInference(() => ({ toolCalls: [mathCall('1')] }));
    await using system = await createTestAgenticSystem({ inference, config: { max_infer_iters: 3 } });
    await system.agentic.createAgenticSystem(agentInput());
    const { turn } = await system.agentic.execute(executeInput());
    expect(inference.requests).toHaveLength(3);
    expect(turn.response_message.content).toBe('(stopped after 3 inferences: max_infer_iters)');
  });

  it('reports a failing tool to the model and goes on', async () => {
    const inference = new ScriptedInference([
      { toolCalls: [mathCall('2 +* 3')] },
      { text: 'That did not parse.' },
    ]);
    await using system = await createTestAgenticSystem({ inference });
    await system.agentic.createAgenticSystem(agentInput());
    const { turn } = await system.agentic.execute(executeInput());
    const toolStep = turn.steps[1];
    expect(toolStep?.step_type).toBe('tool_execution');
    const content =
      toolStep?.step_type === 'tool_execution' ? toolStep.tool_responses[0]?.content : undefined;
    expect(content).toMatch(/^Error: math failed: cannot evaluate "2 \+\* 3"/);
    expect(inference.requests[1]?.messages.at(-1)?.content).toBe(content);
    expect(turn.response_message.content).toBe('That did not parse.');
  });

  it('returns a non-executable tool call to the client, then completes with its response in the next execute', async () => {
    const weatherCall = { tool_name: 'get_weather', arguments: { city: 'Lisbon' } };
    const inference = new ScriptedInference([
      { text: 'Let me check.', toolCalls: [weatherCall] },
      { text: 'Sunny, 24 °C.' },
    ]);
    await using system = await createTestAgenticSystem({ inference });
    await system.agentic.createAgenticSystem(
      agentInput({
        available_tools: [{ tool_name: 'get_weather', parameters: { type: 'object' } }],
        executable_tools: [],
      }),
    );
    const first = await system.agentic.execute(
      executeInput({ messages: [{ role: 'user', content: 'Weather?' }] }),
    );
    expect(first.turn.steps.map((step) => step.step_type)).toEqual(['model_inference']);
    expect(first.turn.response_message.tool_calls).toEqual([weatherCall]);

    const toolResponse = { tool_name: 'get_weather', content: '{"sky":"sunny","celsius":24}' };
    const second = await system.agentic.execute(
      executeInput({
        messages: [{ role: 'tool', content: toolResponse.content, tool_responses: [toolResponse] }],
        turn_history: [first.turn],
      }),
    );
    expect(second.turn.response_message.content).toBe('Sunny, 24 °C.');
    expect(inference.requests[1]?.messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
    ]);
    expect(inference.requests[1]?.messages[2]?.tool_calls).toEqual([weatherCall]);
  });

  it('forces the tool call of a turn with user input, not of the turn that hands back the client response', async () => {
    const weatherCall = { tool_name: 'get_weather', arguments: { city: 'Lisbon' } };
    const inference = new ScriptedInference([{ toolCalls: [weatherCall] }, { text: 'Sunny.' }]);
    await using system = await createTestAgenticSystem({ inference });
    await system.agentic.createAgenticSystem(
      agentInput({
        available_tools: [{ tool_name: 'get_weather', parameters: { type: 'object' } }],
        executable_tools: [],
        tool_choice: { tool_name: 'get_weather' },
      }),
    );
    const first = await system.agentic.execute(
      executeInput({ messages: [{ role: 'user', content: 'Weather?' }] }),
    );
    const toolResponse = { tool_name: 'get_weather', content: 'sunny' };
    await system.agentic.execute(
      executeInput({
        messages: [{ role: 'tool', content: 'sunny', tool_responses: [toolResponse] }],
        turn_history: [first.turn],
      }),
    );
    expect(inference.requests.map((request) => request.tool_choice)).toEqual([
      { tool_name: 'get_weather' },
      'auto',
    ]);
  });

  it('runs a custom tool on the server only when it is executable and has an endpoint; otherwise returns it', async () => {
    const call = { tool_name: 'lookup', arguments: { id: 7 } };
    const inference = new ScriptedInference(() => ({ toolCalls: [call] }));
    await using system = await createTestAgenticSystem({ inference });
    // Executable but no endpoint configured: back to the client.
    await system.agentic.createAgenticSystem(
      agentInput({ available_tools: [{ tool_name: 'lookup' }], executable_tools: ['lookup'] }),
    );
    const { turn } = await system.agentic.execute(executeInput());
    expect(turn.steps.map((step) => step.step_type)).toEqual(['model_inference']);
    expect(turn.response_message.tool_calls).toEqual([call]);
  });

  it('ends the turn with a safety_filtering step and the suggested response when an input shield objects', async () => {
    const inference = new ScriptedInference([]);
    const safety = new KeywordSafety();
    await using system = await createTestAgenticSystem({ inference, safety });
    await system.agentic.createAgenticSystem(
      agentInput({ input_shields: [{ shield_type: 'keyword_guard' }] }),
    );
    const { turn } = await system.agentic.execute(
      executeInput({ messages: [{ role: 'user', content: 'tell me the forbidden thing' }] }),
    );
    expect(inference.requests).toHaveLength(0);
    expect(turn.steps).toEqual([
      {
        step_type: 'safety_filtering',
        uuid: 'step-1',
        violation: {
          violation_type: 'keyword',
          details: "a user message contains 'forbidden'",
          suggested_user_response: 'Blocked by keyword_guard.',
        },
      },
    ]);
    expect(turn.response_message).toMatchObject({ role: 'assistant', content: 'Blocked by keyword_guard.' });
  });

  it("shields a tool's output with the tool's output shields and stops the turn on a violation", async () => {
    const inference = new ScriptedInference([{ toolCalls: [mathCall('6 * 7')] }, { text: 'never reached' }]);
    const safety = new KeywordSafety();
    await using system = await createTestAgenticSystem({ inference, safety });
    await system.agentic.createAgenticSystem(
      agentInput({
        available_tools: [
          {
            tool_name: 'math',
            output_shields: [{ shield_type: 'keyword_guard', params: { keyword: '42' } }],
          },
        ],
      }),
    );
    const { turn } = await system.agentic.execute(executeInput());
    expect(turn.steps.map((step) => step.step_type)).toEqual([
      'model_inference',
      'tool_execution',
      'safety_filtering',
    ]);
    expect(inference.requests).toHaveLength(1);
    expect(safety.calls[0]?.messages).toEqual([
      { role: 'tool', content: '42', tool_calls: [], tool_responses: [{ tool_name: 'math', content: '42' }] },
    ]);
    expect(turn.response_message.content).toBe('Blocked by keyword_guard.');
  });

  it('runs output shields on the answer and records a passing shield as a step without violation', async () => {
    const inference = new ScriptedInference([{ text: 'A fine answer.' }]);
    const safety = new KeywordSafety();
    await using system = await createTestAgenticSystem({ inference, safety });
    await system.agentic.createAgenticSystem(
      agentInput({
        available_tools: [],
        executable_tools: [],
        output_shields: [{ shield_type: 'keyword_guard' }],
      }),
    );
    const { turn } = await system.agentic.execute(executeInput());
    expect(turn.steps).toEqual([
      { step_type: 'model_inference', uuid: 'step-1', text: 'A fine answer.' },
      { step_type: 'safety_filtering', uuid: 'step-2', violation: null },
    ]);
    expect(turn.response_message.content).toBe('A fine answer.');
  });

  it('refuses to create an agent with shields when no safety provider is configured, naming the shield', async () => {
    await using system = await createTestAgenticSystem({ inference: new ScriptedInference([]) });
    const failure = await system.agentic
      .createAgenticSystem(agentInput({ output_shields: [{ shield_type: 'llama_guard' }] }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidRequestError);
    expect((failure as InvalidRequestError).status).toBe(400);
    expect((failure as Error).message).toMatch(
      /output_shields\.0\.shield_type: the shield 'llama_guard' needs a safety provider.*providers\.safety/,
    );
  });

  it('retrieves from memory banks: a memory_retrieval step with documents and scores, passages in the context', async () => {
    const inference = new ScriptedInference([{ text: '16 weeks.' }]);
    const memory = {
      queries: [] as string[],
      async queryDocuments(request: { bank_uuid: string; query: unknown }) {
        this.queries.push(`${request.bank_uuid}: ${String(request.query)}`);
        return {
          chunks: [
            { content: 'Parental leave is 16 weeks.', document_id: 'leave', token_count: 6, metadata: {} },
          ],
          scores: [request.bank_uuid === 'handbook' ? 0.9 : 0.4],
        };
      },
    };
    await using system = await createTestAgenticSystem({ inference, memory });
    await system.agentic.createAgenticSystem(
      agentInput({ available_tools: [], executable_tools: [], memory_bank_uuids: ['wiki', 'handbook'] }),
    );
    const events = await collect(
      system.agentic.streamExecute(
        executeInput({ messages: [{ role: 'user', content: 'How long is leave?' }], stream: true }),
      ),
    );
    expect(memory.queries).toEqual(['wiki: How long is leave?', 'handbook: How long is leave?']);
    const retrieved = events.filter((event) => event.retrieved_document);
    expect(retrieved.map((event) => event.retrieved_document?.metadata.memory_bank_uuid)).toEqual([
      'handbook',
      'wiki',
    ]);
    const userText = inference.requests[0]?.messages.at(-1)?.content;
    expect(userText).toContain('How long is leave?');
    expect(userText).toContain('[1] Parental leave is 16 weeks.');
  });

  it('streams step_start, step_progress and step_end in order, with the step ids of the stored turn', async () => {
    const inference = new ScriptedInference([
      { text: 'Computing', toolCalls: [mathCall('2^10')] },
      { text: 'It is 1024.' },
    ]);
    const safety = new KeywordSafety();
    await using system = await createTestAgenticSystem({ inference, safety });
    await system.agentic.createAgenticSystem(
      agentInput({ input_shields: [{ shield_type: 'keyword_guard' }] }),
    );
    const { session_id } = await system.agentic.createSession({ agent_uuid: 'helper' });
    const events: AgenticSystemExecuteResponseStreamChunk[] = await collect(
      system.agentic.streamExecuteSessionTurn(
        AgenticSystemSessionTurnRequest.parse({
          agent_uuid: 'helper',
          session_id,
          messages: [{ role: 'user', content: 'What is 2^10?' }],
          stream: true,
        }),
      ),
    );
    const summary = events.map((event) => {
      const detail =
        event.response_text_delta ??
        event.tool_call?.tool_name ??
        (event.tool_response_delta ? `response ${String(event.tool_response_delta.content)}` : undefined);
      return `${event.step_uuid} ${event.step_type} ${event.event_type}${detail ? ` ${detail}` : ''}`;
    });
    expect(summary).toEqual([
      'step-1 safety_filtering step_start',
      'step-1 safety_filtering step_end',
      'step-2 model_inference step_start',
      'step-2 model_inference step_progress Compu',
      'step-2 model_inference step_progress ting',
      'step-2 model_inference step_progress math',
      'step-2 model_inference step_end',
      'step-3 tool_execution step_start',
      'step-3 tool_execution step_progress math',
      'step-3 tool_execution step_progress response 1024',
      'step-3 tool_execution step_end',
      'step-4 safety_filtering step_start',
      'step-4 safety_filtering step_end',
      'step-5 model_inference step_start',
      'step-5 model_inference step_progress It is ',
      'step-5 model_inference step_progress 1024.',
      'step-5 model_inference step_end',
    ]);
    const { turns } = await system.agentic.getSession({ agent_uuid: 'helper', session_id });
    expect(turns).toHaveLength(1);
    expect(turns[0]?.steps.map((step) => `${step.uuid} ${step.step_type}`)).toEqual([
      'step-1 safety_filtering',
      'step-2 model_inference',
      'step-3 tool_execution',
      'step-4 safety_filtering',
      'step-5 model_inference',
    ]);
    expect(events.at(-1)?.stop_reason).toBe('finished_ok');
  });
});

describe('a streamed turn the model refuses', () => {
  it('fails before its first event, so the server can still answer 429 instead of a 200 stream', async () => {
    const inference = new ScriptedInference(() => {
      throw new OverloadedError('Model is overloaded: retry later.');
    });
    await using system = await createTestAgenticSystem({ inference });
    await system.agentic.createAgenticSystem(agentInput({ available_tools: [], executable_tools: [] }));
    const events = system.agentic.streamExecute(executeInput());
    await expect(events.next()).rejects.toBeInstanceOf(OverloadedError);
  });
});

describe('sessions', () => {
  it('keep the history on the server, survive a restart, and are deleted with their turns', async () => {
    const inference = new ScriptedInference((call) => ({ text: `answer ${call}` }));
    await using system = await createTestAgenticSystem({ inference });
    await system.agentic.createAgenticSystem(agentInput({ available_tools: [], executable_tools: [] }));
    const { session_id } = await system.agentic.createSession({ agent_uuid: 'helper', session_name: 'chat' });
    const turnRequest = (content: string) =>
      AgenticSystemSessionTurnRequest.parse({
        agent_uuid: 'helper',
        session_id,
        messages: [{ role: 'user', content }],
      });
    await system.agentic.executeSessionTurn(turnRequest('first'));

    const restarted = await system.reopen();
    await restarted.executeSessionTurn(turnRequest('second'));
    expect(
      inference.requests[1]?.messages.map((message) => `${message.role}: ${String(message.content)}`),
    ).toEqual(['system: You are a helpful assistant.', 'user: first', 'assistant: answer 1', 'user: second']);
    const session = await restarted.getSession({ agent_uuid: 'helper', session_id });
    expect(session).toMatchObject({ session_id, agent_uuid: 'helper', session_name: 'chat' });
    expect(session.turns.map((turn) => turn.response_message.content)).toEqual(['answer 1', 'answer 2']);

    await restarted.deleteSession({ agent_uuid: 'helper', session_id });
    await expect(restarted.getSession({ agent_uuid: 'helper', session_id })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('run concurrent turns of one session one after another: each sees every earlier turn, stored in order', async () => {
    const inference = new ScriptedInference((call) => ({ text: `answer ${call}` }));
    await using system = await createTestAgenticSystem({ inference });
    await system.agentic.createAgenticSystem(agentInput({ available_tools: [], executable_tools: [] }));
    const { session_id } = await system.agentic.createSession({ agent_uuid: 'helper' });
    const turns = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        system.agentic.executeSessionTurn(
          AgenticSystemSessionTurnRequest.parse({
            agent_uuid: 'helper',
            session_id,
            messages: [{ role: 'user', content: `question ${index}` }],
          }),
        ),
      ),
    );
    // Turn i (in arrival order) saw i earlier turns: the system message, then a user and an assistant message each.
    expect(inference.requests.map((request) => request.messages.length)).toEqual(
      Array.from({ length: 8 }, (_, index) => 2 + 2 * index),
    );
    const session = await system.agentic.getSession({ agent_uuid: 'helper', session_id });
    expect(session.turns.map((turn) => turn.response_message.content)).toEqual(
      turns.map(({ turn }) => turn.response_message.content),
    );
    expect(session.turns.map((turn) => turn.response_message.content)).toEqual(
      Array.from({ length: 8 }, (_, index) => `answer ${index + 1}`),
    );
  });

  it('create one agent of 20 concurrent creates with the same uuid; the others get 409', async () => {
    await using system = await createTestAgenticSystem({ inference: new ScriptedInference([]) });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        system.agentic.createAgenticSystem(agentInput({ instructions: `variant ${index}` })),
      ),
    );
    const created = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
    expect(created).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 409 });
    }
  });

  it('answer 404 for unknown agents and sessions, 409 for a taken agent uuid; delete removes the agent', async () => {
    await using system = await createTestAgenticSystem({ inference: new ScriptedInference([]) });
    await expect(system.agentic.createSession({ agent_uuid: 'nobody' })).rejects.toThrow(
      /Unknown agent 'nobody'/,
    );
    await system.agentic.createAgenticSystem(agentInput());
    await expect(system.agentic.createAgenticSystem(agentInput())).rejects.toMatchObject({ status: 409 });
    await expect(
      system.agentic.getSession({ agent_uuid: 'helper', session_id: 'nope' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    const { session_id } = await system.agentic.createSession({ agent_uuid: 'helper' });
    await system.agentic.deleteAgenticSystem({ agent_id: 'helper' });
    await expect(system.agentic.getSession({ agent_uuid: 'helper', session_id })).rejects.toMatchObject({
      status: 404,
    });
    await expect(system.agentic.execute(executeInput())).rejects.toMatchObject({ status: 404 });
  });
});
