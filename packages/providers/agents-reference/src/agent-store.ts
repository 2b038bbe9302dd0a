import { randomUUID } from 'node:crypto';
import type { AgenticSystemCreateRequest, AgenticSystemTurn } from '@llama-stack-ts/core';
import type { KeyValueStore } from './store/key-value-store.js';

/** An agent as stored: its parsed create request (uuid filled in) and when it was created. */
export interface StoredAgent {
  agent_uuid: string;
  config: AgenticSystemCreateRequest;
  created_at: string;
}

export interface StoredSession {
  session_id: string;
  agent_uuid: string;
  session_name?: string | null;
  started_at: string;
}

const id = (value: string) => encodeURIComponent(value);

/**
 * Agents, sessions and turns over a `KeyValueStore`: `agent:<agent>`, `session:<agent>:<session>`,
 * `turn:<agent>:<session>:<time>-<random>`, and `turn-lease:<agent>:<session>` while a turn runs (ids URI-encoded so `:` cannot split them). Turn keys
 * start with the ISO time they were stored, so listing them sorted gives the session's order.
 */
export class AgentStore {
  constructor(readonly store: KeyValueStore) {}

  getAgent(agentUuid: string): Promise<StoredAgent | undefined> {
    return this.store.get<StoredAgent>(`agent:${id(agentUuid)}`);
  }

  /** Stores a new agent; answers false, storing nothing, when one with its uuid exists. */
  createAgent(agent: StoredAgent): Promise<boolean> {
    return this.store.create(`agent:${id(agent.agent_uuid)}`, agent);
  }

  /** Deletes the agent with its sessions and turns. */
  async deleteAgent(agentUuid: string): Promise<void> {
    for (const prefix of [`turn:${id(agentUuid)}:`, `session:${id(agentUuid)}:`]) {
      for (const key of await this.store.list(prefix)) await this.store.delete(key);
    }
    await this.store.delete(`agent:${id(agentUuid)}`);
  }

  getSession(agentUuid: string, sessionId: string): Promise<StoredSession | undefined> {
    return this.store.get<StoredSession>(`session:${id(agentUuid)}:${id(sessionId)}`);
  }

  putSession(session: StoredSession): Promise<void> {
    return this.store.set(`session:${id(session.agent_uuid)}:${id(session.session_id)}`, session);
  }

  async deleteSession(agentUuid: string, sessionId: string): Promise<void> {
    for (const key of await this.store.list(this.#turnPrefix(agentUuid, sessionId)))
      await this.store.delete(key);
    await this.store.delete(`session:${id(agentUuid)}:${id(sessionId)}`);
  }

  async appendTurn(agentUuid: string, sessionId: string, turn: AgenticSystemTurn): Promise<void> {
    const key = `${this.#turnPrefix(agentUuid, sessionId)}${new Date().toISOString()}-${randomUUID().slice(0, 8)}`;
    await this.store.set(key, turn);
  }

  async listTurns(agentUuid: string, sessionId: string): Promise<AgenticSystemTurn[]> {
    const keys = await this.store.list(this.#turnPrefix(agentUuid, sessionId));
    const turns = await Promise.all(keys.map((key) => this.store.get<AgenticSystemTurn>(key)));
    return turns.filter((turn): turn is AgenticSystemTurn => turn !== undefined);
  }

  /** The key of the lease that lets one process at a time run a turn of the session. */
  turnLeaseKey(agentUuid: string, sessionId: string): string {
    return `turn-lease:${id(agentUuid)}:${id(sessionId)}`;
  }

  #turnPrefix(agentUuid: string, sessionId: string): string {
    return `turn:${id(agentUuid)}:${id(sessionId)}:`;
  }
}
