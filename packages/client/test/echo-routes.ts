import { z } from 'zod';
import type { ClientRoute } from '../src/client-route.js';

/** What the echo routes answer: the merged request the server's operation received. */
export const Echo = z.object({ request: z.record(z.string(), z.unknown()) });

export const ChatRequest = z.object({
  model: z.string().min(1),
  prompt: z.string(),
  temperature: z.number().min(0).max(2).default(0.5),
  stream: z.boolean().default(false),
});
export const ChatResponse = z.object({ text: z.string(), temperature: z.number() });
export const ChatChunk = z.object({ index: z.number(), delta: z.string() });

/** A route table of every shape the client must handle, under one API name with an underscore. */
export const echoRoutes = [
  {
    api: 'echo_service',
    method: 'GET',
    path: '/echo/get',
    operation: 'getThing',
    query: z.object({
      identifier: z.string(),
      limit: z.number().optional(),
      tags: z.array(z.string()).optional(),
      verbose: z.boolean().optional(),
    }),
    response: Echo,
  },
  {
    api: 'echo_service',
    method: 'POST',
    path: '/echo/insert',
    operation: 'insertThings',
    query: z.object({ bank_id: z.string() }),
    body: z.array(z.object({ id: z.string(), text: z.string() })),
    bodyField: 'documents',
    response: Echo,
  },
  {
    api: 'echo_service',
    method: 'POST',
    path: '/echo/create',
    operation: 'createThing',
    query: z.object({ name: z.string() }),
    body: z.array(z.string()).optional(),
    bodyField: 'seeds',
    response: z.null(),
  },
  {
    api: 'echo_service',
    method: 'DELETE',
    path: '/echo/drop',
    operation: 'dropThing',
    query: z.object({ identifier: z.string() }),
    response: z.string(),
  },
  {
    api: 'echo_service',
    method: 'POST',
    path: '/echo/chat',
    operation: 'chat',
    streamOperation: 'streamChat',
    stream: 'optional',
    body: ChatRequest,
    response: ChatResponse,
    streamChunk: ChatChunk,
  },
  {
    api: 'echo_service',
    method: 'POST',
    path: '/echo/logs',
    operation: 'tailLogs',
    stream: 'always',
    body: z.object({ job_uuid: z.string() }),
    response: z.null(),
    streamChunk: z.object({ line: z.string() }),
  },
  {
    api: 'echo_service',
    method: 'POST',
    path: '/echo/fail',
    operation: 'fail',
    body: z.object({ kind: z.string() }),
    response: z.object({ ok: z.boolean() }),
  },
] as const satisfies readonly ClientRoute[];
