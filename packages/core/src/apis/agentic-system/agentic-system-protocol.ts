import type { RequestOptions } from '../request-options.js';
import type {
  AgenticSystemCreateRequest,
  AgenticSystemCreateResponse,
  AgenticSystemExecuteRequest,
  AgenticSystemExecuteResponse,
  AgenticSystemExecuteResponseStreamChunk,
  DeleteAgenticSystemRequest,
} from './agentic-system-schemas.js';
import type { AgenticSystemSessions } from './agentic-system-session-protocol.js';

/**
 * Agents: a model with instructions, tools, memory banks and shields, run turn by turn. An unknown
 * `agent_uuid` throws `NotFoundError`; creating an agent under an existing uuid throws `ConflictError`.
 * Server-side sessions (`AgenticSystemSessions`, experimental) are optional: without them the server answers 501.
 */
export interface AgenticSystem extends Partial<AgenticSystemSessions> {
  /** Creates an agent; when the request has no `uuid`, the implementation generates one. */
  createAgenticSystem(
    request: AgenticSystemCreateRequest,
    options?: RequestOptions,
  ): Promise<AgenticSystemCreateResponse>;
  /** Runs one turn to its end and answers with it. */
  execute(
    request: AgenticSystemExecuteRequest,
    options?: RequestOptions,
  ): Promise<AgenticSystemExecuteResponse>;
  /** Runs one turn, yielding an event as each step starts, progresses and ends. */
  streamExecute(
    request: AgenticSystemExecuteRequest,
    options?: RequestOptions,
  ): AsyncIterable<AgenticSystemExecuteResponseStreamChunk>;
  /** Deletes an agent and what it keeps. */
  deleteAgenticSystem(request: DeleteAgenticSystemRequest, options?: RequestOptions): Promise<void>;
}
