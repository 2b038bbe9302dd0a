import {
  type CliEnvironment,
  type RunningCli,
  type RunningDistribution,
  type StartDistributionOptions,
  startDistribution,
  startWorker,
} from './cli-process.js';
import { testModels } from './test-models.js';

/**
 * Starts `llama-stack-ts run local` on the small test models: stories260K as
 * `LLAMA_STACK_TS_MODEL` and the synthetic BERT as `LLAMA_STACK_TS_EMBEDDING_MODEL`; `runArgs`
 * go after `run local --port <port>` (`--no-worker`).
 */
export function startLocalDistribution(
  environment: CliEnvironment & Pick<StartDistributionOptions, 'port'>,
  runArgs: readonly string[] = [],
): Promise<RunningDistribution> {
  return startDistribution('local', { ...environment, args: [...runArgs, ...testModelArgs()] });
}

/** Starts `llama-stack-ts worker local` on the same test models. */
export function startLocalWorker(environment: CliEnvironment): Promise<RunningCli> {
  return startWorker('local', { ...environment, args: testModelArgs() });
}

function testModelArgs(): string[] {
  return [
    '--env',
    `LLAMA_STACK_TS_MODEL=${testModels.stories}`,
    '--env',
    `LLAMA_STACK_TS_EMBEDDING_MODEL=${testModels.bertEmbedder}`,
  ];
}
