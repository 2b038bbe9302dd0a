import type { RequestOptions } from '../request-options.js';
import type {
  AgenticSystemExecuteResponse,
  AgenticSystemExecuteResponseStreamChunk,
} from './agentic-system-schemas.js';
import type {
  AgenticSystemSession,
  AgenticSystemSessionTurnRequest,
  CreateAgenticSystemSessionRequest,
  CreateAgenticSystemSessionResponse,
  DeleteAgenticSystemSessionRequest,
  GetAgenticSystemSessionRequest,
} from './agentic-system-session-schemas.js';

/**
 * Server-side sessions of an agent (experimental). A provider that keeps no sessions leaves these
 * out and the server answers 501. An unknown agent or session throws `NotFoundError`.
 */
export interface AgenticSystemSessions {
  createSession(
    request: CreateAgenticSystemSessionRequest,
    options?: RequestOptions,
  ): Promise<CreateAgenticSystemSessionResponse>;
  /** Runs one turn with the session's turns as history and appends it to the session. */
  executeSessionTurn(
    request: AgenticSystemSessionTurnRequest,
    options?: RequestOptions,
  ): Promise<AgenticSystemExecuteResponse>;
  streamExecuteSessionTurn(
    request: AgenticSystemSessionTurnRequest,
    options?: RequestOptions,
  ): AsyncIterable<AgenticSystemExecuteResponseStreamChunk>;
  /** The session with its turns, oldest first. */
  getSession(
    request: GetAgenticSystemSessionRequest,
    options?: RequestOptions,
  ): Promise<AgenticSystemSession>;
  deleteSession(request: DeleteAgenticSystemSessionRequest, options?: RequestOptions): Promise<void>;
}
