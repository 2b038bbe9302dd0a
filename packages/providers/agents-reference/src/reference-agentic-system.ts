import { randomUUID } from 'node:crypto';
import {
  type AgenticSystem,
  AgenticSystemCreateRequest,
  type AgenticSystemCreateResponse,
  AgenticSystemExecuteRequest,
  type AgenticSystemExecuteResponse,
  type AgenticSystemExecuteResponseStreamChunk,
  type AgenticSystemSession,
  type AgenticSystemSessions,
  AgenticSystemSessionTurnRequest,
  type AgenticSystemTurn,
  ConflictError,
  CreateAgenticSystemSessionRequest,
  type CreateAgenticSystemSessionResponse,
  DeleteAgenticSystemRequest,
  DeleteAgenticSystemSessionRequest,
  DisposedError,
  GetAgenticSystemSessionRequest,
  type Inference,
  InvalidRequestError,
  type MemoryBanks,
  type Message,
  NotFoundError,
  parseRequest,
  type RequestOptions,
  type Safety,
} from '@llama-stack-ts/core';
import { AgentStore, type StoredAgent } from './agent-store.js';
import type { AgentsReferenceConfig } from './agents-reference-config.js';
import { holdUntilModelOutput } from './loop/hold-until-model-output.js';
import { runTurn } from './loop/run-turn.js';
import { takeSessionTurnLease } from './session-turn-lease.js';
import { SessionTurnQueue } from './session-turn-queue.js';
import type { KeyValueStore } from './store/key-value-store.js';
import { executableToolsOf } from './tools/agent-tools.js';
import type { ToolExecutor } from './tools/tool-executor.js';

export interface ReferenceAgenticSystemOptions {
  config: AgentsReferenceConfig;
  store: KeyValueStore;
  inference: Pick<Inference, 'streamChatCompletion'>;
  safety?: Pick<Safety, 'runShield'> | undefined;
  memory?: Pick<MemoryBanks, 'queryDocuments'> | undefined;
  /** The tools this provider can run, by name (`createToolExecutors`). */
  executors: ReadonlyMap<string, ToolExecutor>;
  /** Step ids; default random UUIDs. */
  newStepId?: () => string;
}

type Chunk = AgenticSystemExecuteResponseStreamChunk;

/**
 * The reference agentic system: agents, sessions and turns kept in a key-value store, each turn
 * run by `runTurn`. Turns sent with a client-side `turn_history` (the draft's execute) and turns
 * inside a server-side session (the experimental session routes) run the same loop.
 */
export class ReferenceAgenticSystem implements AgenticSystem, AgenticSystemSessions {
  readonly #agents: AgentStore;
  readonly #turns = new SessionTurnQueue();
  #disposed = false;

  constructor(private readonly options: ReferenceAgenticSystemOptions) {
    this.#agents = new AgentStore(options.store);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async createAgenticSystem(request: AgenticSystemCreateRequest): Promise<AgenticSystemCreateResponse> {
    this.#guard();
    const config = parseRequest(AgenticSystemCreateRequest, request);
    this.#checkDependencies(config);
    const agentUuid = config.uuid ?? randomUUID();
    const created = await this.#agents.createAgent({
      agent_uuid: agentUuid,
      config: { ...config, uuid: agentUuid },
      created_at: new Date().toISOString(),
    });
    if (!created) {
      throw new ConflictError(`An agent '${agentUuid}' exists already; pick another uuid or leave it out.`, {
        field: 'uuid',
      });
    }
    return { agent_uuid: agentUuid };
  }

  async execute(
    request: AgenticSystemExecuteRequest,
    options?: RequestOptions,
  ): Promise<AgenticSystemExecuteResponse> {
    return { turn: await drain(this.streamExecuteTurn(request, options)) };
  }

  async *streamExecute(
    request: AgenticSystemExecuteRequest,
    options?: RequestOptions,
  ): AsyncGenerator<Chunk> {
    yield* this.streamExecuteTurn(request, options);
  }

  async deleteAgenticSystem(request: DeleteAgenticSystemRequest): Promise<void> {
    this.#guard();
    const { agent_id } = parseRequest(DeleteAgenticSystemRequest, request);
    await this.#agent(agent_id);
    await this.#agents.deleteAgent(agent_id);
  }

  async createSession(
    request: CreateAgenticSystemSessionRequest,
  ): Promise<CreateAgenticSystemSessionResponse> {
    this.#guard();
    const parsed = parseRequest(CreateAgenticSystemSessionRequest, request);
    await this.#agent(parsed.agent_uuid);
    const sessionId = randomUUID();
    await this.#agents.putSession({
      session_id: sessionId,
      agent_uuid: parsed.agent_uuid,
      session_name: parsed.session_name ?? null,
      started_at: new Date().toISOString(),
    });
    return { session_id: sessionId };
  }

  async executeSessionTurn(
    request: AgenticSystemSessionTurnRequest,
    options?: RequestOptions,
  ): Promise<AgenticSystemExecuteResponse> {
    return { turn: await drain(this.streamSessionTurn(request, options)) };
  }

  async *streamExecuteSessionTurn(
    request: AgenticSystemSessionTurnRequest,
    options?: RequestOptions,
  ): AsyncGenerator<Chunk> {
    yield* this.streamSessionTurn(request, options);
  }

  async getSession(request: GetAgenticSystemSessionRequest): Promise<AgenticSystemSession> {
    this.#guard();
    const { agent_uuid, session_id } = parseRequest(GetAgenticSystemSessionRequest, request);
    const session = await this.#session(agent_uuid, session_id);
    return { ...session, turns: await this.#agents.listTurns(agent_uuid, session_id) };
  }

  async deleteSession(request: DeleteAgenticSystemSessionRequest): Promise<void> {
    this.#guard();
    const { agent_uuid, session_id } = parseRequest(DeleteAgenticSystemSessionRequest, request);
    await this.#session(agent_uuid, session_id);
    await this.#agents.deleteSession(agent_uuid, session_id);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.options.store.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private async *streamExecuteTurn(
    request: AgenticSystemExecuteRequest,
    options: RequestOptions | undefined,
  ): AsyncGenerator<Chunk, AgenticSystemTurn> {
    this.#guard();
    const parsed = parseRequest(AgenticSystemExecuteRequest, request);
    const agent = await this.#agent(parsed.agent_uuid);
    return yield* this.#run(agent, parsed.turn_history, parsed.messages, options);
  }

  private async *streamSessionTurn(
    request: AgenticSystemSessionTurnRequest,
    options: RequestOptions | undefined,
  ): AsyncGenerator<Chunk, AgenticSystemTurn> {
    this.#guard();
    const parsed = parseRequest(AgenticSystemSessionTurnRequest, request);
    // Queued before the first await, so turns keep the order in which they arrived.
    const leave = await this.#turns.enter(
      JSON.stringify([parsed.agent_uuid, parsed.session_id]),
      options?.signal,
    );
    try {
      // Other server processes on the store run this session's turns too: one at a time.
      const release = await takeSessionTurnLease(
        this.#agents.store,
        this.#agents.turnLeaseKey(parsed.agent_uuid, parsed.session_id),
        options?.signal,
      );
      try {
        const agent = await this.#agent(parsed.agent_uuid);
        await this.#session(parsed.agent_uuid, parsed.session_id);
        const history = await this.#agents.listTurns(parsed.agent_uuid, parsed.session_id);
        const turn = yield* this.#run(agent, history, parsed.messages, options);
        await this.#agents.appendTurn(parsed.agent_uuid, parsed.session_id, turn);
        return turn;
      } finally {
        await release();
      }
    } finally {
      leave();
    }
  }

  #run(
    agent: StoredAgent,
    history: readonly AgenticSystemTurn[],
    messages: readonly Message[],
    options: RequestOptions | undefined,
  ): AsyncGenerator<Chunk, AgenticSystemTurn> {
    const { config } = this.options;
    const turn = runTurn(
      {
        agent: agent.config,
        inference: this.options.inference,
        safety: this.options.safety,
        memory: this.options.memory,
        executors: executableToolsOf(agent.config, this.options.executors),
        maxInferIters: agent.config.max_infer_iters ?? config.max_infer_iters,
        memoryMaxChunks: config.memory_max_chunks,
        signal: options?.signal,
        ...(this.options.newStepId ? { newStepId: this.options.newStepId } : {}),
      },
      history,
      messages,
    );
    return holdUntilModelOutput(turn);
  }

  /** Shields need a safety provider and memory banks a memory provider: refused at create, naming which. */
  #checkDependencies(config: AgenticSystemCreateRequest): void {
    if (!this.options.safety) {
      const shields: [string, string][] = [
        ...config.input_shields.map((shield, index): [string, string] => [
          `input_shields.${index}`,
          shield.shield_type,
        ]),
        ...config.output_shields.map((shield, index): [string, string] => [
          `output_shields.${index}`,
          shield.shield_type,
        ]),
        ...config.available_tools.flatMap((tool, toolIndex) =>
          [...tool.input_shields, ...tool.output_shields].map((shield): [string, string] => [
            `available_tools.${toolIndex}`,
            shield.shield_type,
          ]),
        ),
      ];
      const first = shields[0];
      if (first) {
        throw new InvalidRequestError(
          `${first[0]}.shield_type`,
          `the shield '${first[1]}' needs a safety provider, and this stack has none: configure one under providers.safety in distribution.yaml (and register the shield), or remove the shield from the agent`,
        );
      }
    }
    if (!this.options.memory && config.memory_bank_uuids.length > 0) {
      throw new InvalidRequestError(
        'memory_bank_uuids',
        `the agent retrieves from '${config.memory_bank_uuids[0]}' but this stack has no memory_banks provider: configure one under providers.memory_banks in distribution.yaml, or leave memory_bank_uuids empty`,
      );
    }
    if (config.tool_choice === 'required' && config.available_tools.length === 0) {
      throw new InvalidRequestError('tool_choice', "'required' needs at least one tool in `available_tools`");
    }
  }

  async #agent(agentUuid: string): Promise<StoredAgent> {
    const agent = await this.#agents.getAgent(agentUuid);
    if (!agent) throw new NotFoundError('agent', agentUuid, 'Create it with POST /agentic_system/create.');
    return agent;
  }

  async #session(agentUuid: string, sessionId: string) {
    const session = await this.#agents.getSession(agentUuid, sessionId);
    if (!session) {
      throw new NotFoundError(
        'session',
        sessionId,
        `Agent '${agentUuid}' has no such session; create one with POST /agentic_system/session/create.`,
      );
    }
    return session;
  }

  #guard(): void {
    if (this.#disposed) throw new DisposedError('ReferenceAgenticSystem');
  }
}

/** Runs a turn's events to the end and answers with the turn. */
async function drain(turn: AsyncGenerator<Chunk, AgenticSystemTurn>): Promise<AgenticSystemTurn> {
  for (;;) {
    const next = await turn.next();
    if (next.done) return next.value;
  }
}
