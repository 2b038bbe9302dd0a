import { z } from 'zod';
import { defineRoutes } from '../route-definition.js';
import type { AgenticSystem } from './agentic-system-protocol.js';
import {
  AgenticSystemCreateRequest,
  AgenticSystemCreateResponse,
  AgenticSystemExecuteRequest,
  AgenticSystemExecuteResponse,
  AgenticSystemExecuteResponseStreamChunk,
  DeleteAgenticSystemRequest,
} from './agentic-system-schemas.js';
import { agenticSystemSessionRoutes } from './agentic-system-session-routes.js';

export const agenticSystemRoutes = defineRoutes<AgenticSystem>()([
  {
    api: 'agentic_system',
    method: 'POST',
    path: '/agentic_system/create',
    operation: 'createAgenticSystem',
    summary: 'Create an agent.',
    description: 'When `uuid` is left out, the server generates one; the response names it.',
    body: AgenticSystemCreateRequest,
    response: AgenticSystemCreateResponse,
  },
  {
    api: 'agentic_system',
    method: 'POST',
    path: '/agentic_system/execute',
    operation: 'execute',
    streamOperation: 'streamExecute',
    stream: 'optional',
    summary: 'Run one turn of an agent.',
    description: 'With `stream: true`, answers with Server-Sent Events, one step event per `data:` line.',
    body: AgenticSystemExecuteRequest,
    response: AgenticSystemExecuteResponse,
    streamChunk: AgenticSystemExecuteResponseStreamChunk,
  },
  {
    api: 'agentic_system',
    method: 'DELETE',
    path: '/agentic_system/delete',
    operation: 'deleteAgenticSystem',
    summary: 'Delete an agent.',
    query: DeleteAgenticSystemRequest,
    response: z.null(),
  },
  ...agenticSystemSessionRoutes,
]);
