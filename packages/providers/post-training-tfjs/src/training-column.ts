import { type Dataset, InvalidRequestError } from '@llama-stack-ts/core';

/** The column a dataset trains on: `text` (causal-LM loss on every token) or `dialog` (assistant tokens only). */
export type TrainingColumn = 'text' | 'dialog';

/** Which column of `dataset` trains; a dataset with neither is a 400 naming the columns it needs. */
export function trainingColumn(dataset: Dataset, field: string): TrainingColumn {
  if (dataset.columns.text === 'text') return 'text';
  if (dataset.columns.dialog === 'dialog') return 'dialog';
  const has = Object.entries(dataset.columns)
    .map(([name, type]) => `${name} (${type})`)
    .join(', ');
  throw new InvalidRequestError(
    `${field}.columns`,
    `needs a 'text' column of type text or a 'dialog' column of type dialog; it has ${has || 'none'}`,
  );
}
