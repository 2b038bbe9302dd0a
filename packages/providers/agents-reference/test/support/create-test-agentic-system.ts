import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemoryBanks, Safety } from '@llama-stack-ts/core';
import { AgentsReferenceConfig, type AgentsReferenceConfigInput } from '../../src/agents-reference-config.js';
import { ReferenceAgenticSystem } from '../../src/reference-agentic-system.js';
import { FileKeyValueStore } from '../../src/store/file-key-value-store.js';
import { createToolExecutors } from '../../src/tools/agent-tools.js';
import type { ScriptedInference } from './scripted-inference.js';

export interface TestAgenticSystem extends AsyncDisposable {
  agentic: ReferenceAgenticSystem;
  directory: string;
  /** A second instance over the same directory, as after a restart. */
  reopen(): Promise<ReferenceAgenticSystem>;
}

/** A ReferenceAgenticSystem over a fresh on-disk store, step ids `step-1`, `step-2`, … */
export async function createTestAgenticSystem(options: {
  inference: ScriptedInference;
  safety?: Safety;
  memory?: Pick<MemoryBanks, 'queryDocuments'>;
  config?: AgentsReferenceConfigInput;
}): Promise<TestAgenticSystem> {
  const directory = await mkdtemp(join(tmpdir(), 'agents-reference-'));
  const config = AgentsReferenceConfig.parse(options.config ?? {});
  const open = async () => {
    let step = 0;
    return new ReferenceAgenticSystem({
      config,
      store: await FileKeyValueStore.open(directory),
      inference: options.inference,
      safety: options.safety,
      memory: options.memory,
      executors: createToolExecutors(config.tools),
      newStepId: () => `step-${++step}`,
    });
  };
  const agentic = await open();
  const opened = [agentic];
  return {
    agentic,
    directory,
    async reopen() {
      const next = await open();
      opened.push(next);
      return next;
    },
    async [Symbol.asyncDispose]() {
      for (const instance of opened) await instance.dispose();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
