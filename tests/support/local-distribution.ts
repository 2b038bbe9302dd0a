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
  return startOnTestModels('local', environment, runArgs);
}

/** Starts `llama-stack-ts worker local` on the same test models. */
export function startLocalWorker(environment: CliEnvironment): Promise<RunningCli> {
  return startWorkerOnTestModels('local', environment);
}

/**
 * Starts `llama-stack-ts run <distribution>` (one that reads `LLAMA_STACK_TS_MODEL` and
 * `LLAMA_STACK_TS_EMBEDDING_MODEL`, as `local` and `cluster` do) on the test models.
 */
export function startOnTestModels(
  distribution: string,
  environment: CliEnvironment,
  runArgs: readonly string[] = [],
): Promise<RunningDistribution> {
  return startDistribution(distribution, { ...environment, args: [...runArgs, ...testModelArgs()] });
}

/** Starts `llama-stack-ts worker <distribution>` on the test models. */
export function startWorkerOnTestModels(
  distribution: string,
  environment: CliEnvironment,
): Promise<RunningCli> {
  return startWorker(distribution, { ...environment, args: testModelArgs() });
}

function testModelArgs(): string[] {
  return [
    '--env',
    `LLAMA_STACK_TS_MODEL=${testModels.stories}`,
    '--env',
    `LLAMA_STACK_TS_EMBEDDING_MODEL=${testModels.bertEmbedder}`,
  ];
}
