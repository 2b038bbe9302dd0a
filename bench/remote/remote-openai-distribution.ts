import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ListeningProcess, listeningUrl, startListeningProcess } from '../listening-process.js';
import { llamaStackTsCli } from '../llama-stack-ts-cli.js';

/**
 * Starts the `remote-openai` distribution as a user does (the built command, a fresh
 * LLAMA_STACK_TS_HOME, a free port) pointed at `upstreamUrl`'s /v1; resolves with its URL once it
 * listens (its provider has listed the upstream's models by then).
 */
export async function startRemoteOpenAiDistribution(options: {
  upstreamUrl: string;
  /** LLAMA_STACK_TS_EMBEDDING_MODEL: the memory banks' local embedder (loaded on first use only). */
  embeddingModel: string;
  timeoutMs: number;
  /** Flags for `node` itself, before the command (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeFlags?: readonly string[];
}): Promise<ListeningProcess<string>> {
  const home = await mkdtemp(join(tmpdir(), 'lsts-bench-remote-'));
  return startListeningProcess({
    name: 'llama-stack-ts run remote-openai',
    args: [...(options.nodeFlags ?? []), llamaStackTsCli, 'run', 'remote-openai', '--port', '0'],
    env: {
      ...process.env,
      LLAMA_STACK_TS_HOME: home,
      OPENAI_BASE_URL: `${options.upstreamUrl}/v1`,
      LLAMA_STACK_TS_EMBEDDING_MODEL: options.embeddingModel,
    },
    timeoutMs: options.timeoutMs,
    ready: listeningUrl,
    cleanUp: () => rm(home, { recursive: true, force: true }),
  });
}
