import {
  type Datasets,
  type KScoredPromptGenerations,
  type RequestOptions,
  StackError,
} from '@llama-stack-ts/core';
import type { ResolvedRun } from './resolve-run.js';

/** The columns of a saved run: the conversation (prompt, then the kept answer) and its score. */
export const savedDatasetColumns = { dialog: 'dialog', score: 'number' } as const;

/**
 * Writes the kept candidates as dataset `datasetId` through the Datasets API: one JSONL row per kept
 * candidate, `{ dialog: [prompt, answer], score }`, handed over as a `data:` URL so any datasets
 * provider stores its own copy. The run's settings go into the dataset's metadata, with `jobId` when
 * a job runs it: a job run again after its dataset was saved (its worker died before the job was
 * marked done) finds its own dataset there and keeps it, where any other owner is a conflict.
 */
export async function saveAsDataset(
  datasets: Datasets,
  datasetId: string,
  run: ResolvedRun,
  syntheticData: readonly KScoredPromptGenerations[],
  options: RequestOptions & { jobId?: string | undefined } = {},
): Promise<void> {
  const rows = syntheticData.flatMap(({ prompt, k_scored_generations }) =>
    k_scored_generations.map(({ message, score }) => JSON.stringify({ dialog: [prompt, message], score })),
  );
  const jsonl = rows.map((row) => `${row}\n`).join('');
  const { jobId, ...requestOptions } = options;
  const created = datasets.createDataset(
    {
      uuid: datasetId,
      dataset: {
        columns: { ...savedDatasetColumns },
        content_url: `data:application/jsonl;base64,${Buffer.from(jsonl, 'utf8').toString('base64')}`,
        metadata: {
          source: 'synthetic_data_generation',
          generation_model: run.generationModel,
          reward_model: run.rewardModel,
          filtering_function: run.filteringFunction,
          k: run.k,
          seed: run.seed,
          ...(jobId ? { job_id: jobId } : {}),
        },
      },
    },
    requestOptions,
  );
  await created.catch(async (error: unknown) => {
    if (!jobId || !StackError.isInstance(error) || error.status !== 409) throw error;
    const existing = await datasets.getDataset({ dataset_id: datasetId }, requestOptions);
    if (existing.metadata?.job_id !== jobId) throw error;
  });
}
