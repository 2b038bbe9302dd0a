import { describe, expect, it } from 'vitest';
import { describeRouteTable } from '../../../test/support/describe-route-table.js';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import { parseRouteRequest } from '../../../test/support/route-fixtures.js';
import { parseRequest } from '../../validation/parse-request.js';
import type { RouteDefinition } from '../route-definition.js';
import type { AgenticSystem } from './agentic-system-protocol.js';
import { agenticSystemRoutes } from './agentic-system-routes.js';
import {
  AgenticSystemCreateRequest,
  AgenticSystemExecuteRequest,
  AgenticSystemExecuteResponseStreamChunk,
  AgenticSystemTurn,
} from './agentic-system-schemas.js';

const routes: readonly RouteDefinition<AgenticSystem>[] = agenticSystemRoutes;

const user = { role: 'user', content: 'hi' } as const;

describeRouteTable(new URL('./__fixtures__', import.meta.url), routes, [
  'POST /agentic_system/create',
  'POST /agentic_system/execute',
  'DELETE /agentic_system/delete',
  'POST /agentic_system/session/create',
  'POST /agentic_system/turn/create',
  'GET /agentic_system/session/get',
  'DELETE /agentic_system/session/delete',
]);

describe('agentic system routes', () => {
  it('marks the session routes, after the three draft routes, experimental', () => {
    expect(routes.slice(3).every((route) => route.experimental === true)).toBe(true);
  });

  it('streams execute on request, through streamExecute', () => {
    const execute = routes.find((route) => route.path === '/agentic_system/execute');
    expect(execute).toMatchObject({
      operation: 'execute',
      streamOperation: 'streamExecute',
      stream: 'optional',
    });
  });

  it('takes the agent to delete as the agent_id query parameter', () => {
    const request = parseRouteRequest(routes[2] as RouteDefinition<AgenticSystem>, {
      query: { agent_id: 'a' },
    });
    expect(request).toEqual({ agent_id: 'a' });
  });
});

describe('agentic system create request', () => {
  it('fills every default and leaves uuid for the server to generate', () => {
    const request = parseRequest(AgenticSystemCreateRequest, { instructions: 'Be brief.', model: 'm' });
    expect(request).toEqual({
      instructions: 'Be brief.',
      model: 'm',
      available_tools: [],
      executable_tools: [],
      memory_bank_uuids: [],
      input_shields: [],
      output_shields: [],
      sampling_params: { strategy: 'greedy', temperature: 0, top_p: 0.95, top_k: 0 },
    });
    expect(request.uuid).toBeUndefined();
  });

  it('fills tool shields and shield params', () => {
    const request = parseRequest(AgenticSystemCreateRequest, {
      instructions: '',
      model: 'm',
      available_tools: [{ tool_name: 'math' }],
      input_shields: [{ shield_type: 'llama_guard' }],
    });
    expect(request.available_tools[0]).toMatchObject({
      tool_name: 'math',
      input_shields: [],
      output_shields: [],
    });
    expect(request.input_shields).toEqual([{ shield_type: 'llama_guard', params: {} }]);
  });

  it('names the missing model', () => {
    const error = expectInvalidRequest(() => parseRequest(AgenticSystemCreateRequest, { instructions: 'x' }));
    expect(error.field).toBe('model');
  });

  it('rejects an executable tool listed twice and names the duplicate', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(AgenticSystemCreateRequest, {
        instructions: 'x',
        model: 'm',
        executable_tools: ['web_search', 'math', 'web_search'],
      }),
    );
    expect(error.field).toBe('executable_tools.2');
    expect(error.message).toContain('"web_search" is listed twice');
  });

  it('rejects an out-of-range temperature in the sampling params extension', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(AgenticSystemCreateRequest, {
        instructions: 'x',
        model: 'm',
        sampling_params: { temperature: 5 },
      }),
    );
    expect(error.field).toBe('sampling_params.temperature');
  });
});

describe('agentic system execute request', () => {
  it('defaults turn_history to [] and stream to false', () => {
    const request = parseRequest(AgenticSystemExecuteRequest, { agent_uuid: 'a', messages: [user] });
    expect(request.turn_history).toEqual([]);
    expect(request.stream).toBe(false);
    expect(request.messages[0]).toEqual({ role: 'user', content: 'hi', tool_calls: [], tool_responses: [] });
  });

  it('needs at least one message', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(AgenticSystemExecuteRequest, { agent_uuid: 'a', messages: [] }),
    );
    expect(error.field).toBe('messages');
    expect(error.message).toContain('at least one message');
  });

  it('names the bad role of a message', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(AgenticSystemExecuteRequest, {
        agent_uuid: 'a',
        messages: [{ role: 'human', content: 'x' }],
      }),
    );
    expect(error.field).toBe('messages.0.role');
  });

  it('names the field a step of the turn history lacks, by its step type', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(AgenticSystemExecuteRequest, {
        agent_uuid: 'a',
        messages: [user],
        turn_history: [
          {
            user_messages: [user],
            steps: [{ step_type: 'memory_retrieval', uuid: 's', documents: [] }],
            response_message: { role: 'assistant', content: 'ok' },
          },
        ],
      }),
    );
    expect(error.field).toBe('turn_history.0.steps.0.scores');
  });

  it('rejects an unknown step type', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(AgenticSystemTurn, {
        user_messages: [user],
        steps: [{ step_type: 'planning', uuid: 's' }],
        response_message: { role: 'assistant', content: 'ok' },
      }),
    );
    expect(error.field).toBe('steps.0.step_type');
    expect(error.message).toContain('memory_retrieval');
  });
});

describe('agentic system stream chunk', () => {
  it('tells the step types of a turn apart by step_type', () => {
    const turn = parseRequest(AgenticSystemTurn, {
      user_messages: [user],
      steps: [
        { step_type: 'model_inference', uuid: 's1', text: 'hello' },
        { step_type: 'safety_filtering', uuid: 's2' },
      ],
      response_message: { role: 'assistant', content: 'hello' },
    });
    const [first] = turn.steps;
    expect(first?.step_type === 'model_inference' ? first.text : undefined).toBe('hello');
  });

  it('rejects an unknown event type', () => {
    const error = expectInvalidRequest(() =>
      parseRequest(AgenticSystemExecuteResponseStreamChunk, {
        event_type: 'step_delta',
        step_uuid: 's',
        step_type: 'model_inference',
      }),
    );
    expect(error.field).toBe('event_type');
    expect(error.message).toContain('step_progress');
  });
});
