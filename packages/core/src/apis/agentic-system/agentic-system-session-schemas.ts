import { z } from 'zod';
import { Message } from '../common/common-schemas.js';
import { identifier } from '../common/identifier.js';
import { AgenticSystemTurn, AgentUuid } from './agentic-system-schemas.js';

/**
 * Server-side sessions (experimental, after later Llama Stack's `/agents/session/*` routes): the
 * server keeps a session's turns, so a client sends only the new messages of each turn. The draft's
 * `/agentic_system/execute` with a client-sent `turn_history` keeps working beside them.
 */

const SessionId = identifier('must name a session (the session_id of /agentic_system/session/create)');

export const CreateAgenticSystemSessionRequest = z
  .object({
    agent_uuid: AgentUuid,
    session_name: z.string().optional().describe('A name for people; the server does not read it.'),
  })
  .meta({ id: 'CreateAgenticSystemSessionRequest' });
export type CreateAgenticSystemSessionRequest = z.infer<typeof CreateAgenticSystemSessionRequest>;

export const CreateAgenticSystemSessionResponse = z
  .object({ session_id: z.string() })
  .meta({ id: 'CreateAgenticSystemSessionResponse' });
export type CreateAgenticSystemSessionResponse = z.infer<typeof CreateAgenticSystemSessionResponse>;

export const AgenticSystemSessionTurnRequest = z
  .object({
    agent_uuid: AgentUuid,
    session_id: SessionId,
    messages: z
      .array(Message)
      .min(1, 'must hold at least one message: the new user input (or tool responses) of the turn'),
    stream: z.boolean().default(false).describe('Answer with a stream of step events instead of one turn.'),
  })
  .meta({
    id: 'AgenticSystemSessionTurnRequest',
    description:
      "Run one turn inside a session: the session's earlier turns are the history; the turn is stored.",
  });
export type AgenticSystemSessionTurnRequest = z.infer<typeof AgenticSystemSessionTurnRequest>;
export type AgenticSystemSessionTurnRequestInput = z.input<typeof AgenticSystemSessionTurnRequest>;

export const GetAgenticSystemSessionRequest = z.object({ agent_uuid: AgentUuid, session_id: SessionId });
export type GetAgenticSystemSessionRequest = z.infer<typeof GetAgenticSystemSessionRequest>;

export const AgenticSystemSession = z
  .object({
    session_id: z.string(),
    agent_uuid: z.string(),
    session_name: z.string().nullish(),
    started_at: z.string().describe('ISO 8601 time the session was created.'),
    turns: z.array(AgenticSystemTurn).describe('The turns run in the session, oldest first.'),
  })
  .meta({ id: 'AgenticSystemSession' });
export type AgenticSystemSession = z.infer<typeof AgenticSystemSession>;

export const DeleteAgenticSystemSessionRequest = z.object({ agent_uuid: AgentUuid, session_id: SessionId });
export type DeleteAgenticSystemSessionRequest = z.infer<typeof DeleteAgenticSystemSessionRequest>;
