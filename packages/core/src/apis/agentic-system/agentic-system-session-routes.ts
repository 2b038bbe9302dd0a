import { z } from 'zod';
import { defineRoutes } from '../route-definition.js';
import type { AgenticSystem } from './agentic-system-protocol.js';
import {
  AgenticSystemExecuteResponse,
  AgenticSystemExecuteResponseStreamChunk,
} from './agentic-system-schemas.js';
import {
  AgenticSystemSession,
  AgenticSystemSessionTurnRequest,
  CreateAgenticSystemSessionRequest,
  CreateAgenticSystemSessionResponse,
  DeleteAgenticSystemSessionRequest,
  GetAgenticSystemSessionRequest,
} from './agentic-system-session-schemas.js';

/** Session routes (experimental, after later Llama Stack's `/agents/session/*` and `/agents/turn/create`). */
export const agenticSystemSessionRoutes = defineRoutes<AgenticSystem>()([
  {
    api: 'agentic_system',
    method: 'POST',
    path: '/agentic_system/session/create',
    operation: 'createSession',
    summary: 'Create a session of an agent.',
    description: 'The server keeps the turns run in the session, so the client need not resend history.',
    body: CreateAgenticSystemSessionRequest,
    response: CreateAgenticSystemSessionResponse,
    experimental: true,
  },
  {
    api: 'agentic_system',
    method: 'POST',
    path: '/agentic_system/turn/create',
    operation: 'executeSessionTurn',
    streamOperation: 'streamExecuteSessionTurn',
    stream: 'optional',
    summary: 'Run one turn of an agent inside a session.',
    description:
      "The session's earlier turns are the history; the new turn is stored. With `stream: true`, answers with Server-Sent Events. " +
      'Turns of one session are serialized: a turn sent while another of the session runs waits for it (in arrival order, ' +
      'per server process) and then sees it in its history; turns of different sessions run in parallel.',
    body: AgenticSystemSessionTurnRequest,
    response: AgenticSystemExecuteResponse,
    streamChunk: AgenticSystemExecuteResponseStreamChunk,
    experimental: true,
  },
  {
    api: 'agentic_system',
    method: 'GET',
    path: '/agentic_system/session/get',
    operation: 'getSession',
    summary: 'A session of an agent with its turns.',
    query: GetAgenticSystemSessionRequest,
    response: AgenticSystemSession,
    experimental: true,
  },
  {
    api: 'agentic_system',
    method: 'DELETE',
    path: '/agentic_system/session/delete',
    operation: 'deleteSession',
    summary: 'Delete a session and its turns.',
    query: DeleteAgenticSystemSessionRequest,
    response: z.null(),
    experimental: true,
  },
]);
