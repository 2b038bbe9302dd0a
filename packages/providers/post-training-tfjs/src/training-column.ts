import { type Dataset, InvalidRequestError } from '@llama-stack-ts/core';

/**
 * What a dataset's rows train: `text` (causal-LM loss on every token), `dialog` (assistant tokens
 * only), or `preference` (DPO: `prompt`, `chosen` and `rejected` text columns).
 */
export type TrainingColumn = 'text' | 'dialog' | 'preference';

const describeColumns = (dataset: Dataset) =>
  Object.entries(dataset.columns)
    .map(([name, type]) => `${name} (${type})`)
    .join(', ') || 'none';

/** Which column of `dataset` trains; a dataset with neither is a 400 naming the columns it needs. */
export function trainingColumn(dataset: Dataset, field: string): TrainingColumn {
  if (dataset.columns.text === 'text') return 'text';
  if (dataset.columns.dialog === 'dialog') return 'dialog';
  throw new InvalidRequestError(
    `${field}.columns`,
    `needs a 'text' column of type text or a 'dialog' column of type dialog; it has ${describeColumns(dataset)}`,
  );
}

export const preferenceColumns = ['prompt', 'chosen', 'rejected'] as const;

/** A preference dataset's columns; any of prompt, chosen, rejected not a text column is a 400 naming them. */
export function preferenceColumn(dataset: Dataset, field: string): 'preference' {
  const missing = preferenceColumns.filter((name) => dataset.columns[name] !== 'text');
  if (missing.length > 0)
    throw new InvalidRequestError(
      `${field}.columns`,
      `needs text columns ${preferenceColumns.map((name) => `'${name}'`).join(', ')}; ` +
        `${missing.map((name) => `'${name}'`).join(', ')} missing or not of type text (it has ${describeColumns(dataset)})`,
    );
  return 'preference';
}
