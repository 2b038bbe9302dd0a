import { type CliEnvironment, type RunningDistribution, startDistribution } from './cli-process.js';
import { testModels } from './test-models.js';

/**
 * Starts `llama-stack-ts run local` on the small test models: stories260K as
 * `LLAMA_STACK_TS_MODEL` and the synthetic BERT as `LLAMA_STACK_TS_EMBEDDING_MODEL`.
 */
export function startLocalDistribution(environment: CliEnvironment): Promise<RunningDistribution> {
  return startDistribution('local', {
    ...environment,
    args: [
      '--env',
      `LLAMA_STACK_TS_MODEL=${testModels.stories}`,
      '--env',
      `LLAMA_STACK_TS_EMBEDDING_MODEL=${testModels.bertEmbedder}`,
    ],
  });
}
