import { type Datasets, InvalidRequestError, type RequestOptions } from '@llama-stack-ts/core';
import {
  type DialogMessage,
  dialogExample,
  type PreferencePair,
  preferencePair,
  type TrainingExample,
  textExample,
} from '@llama-stack-ts/trainer-tfjs';
import type { LlamaModel } from 'node-llama-cpp';
import { preferenceColumns, type TrainingColumn } from './training-column.js';

/** A message's text: a string, or the text items of a content list (the trainer trains on text only). */
function messageText(content: unknown, field: string): string {
  if (typeof content === 'string') return content;
  const items = Array.isArray(content) ? content : [content];
  return items
    .map((item) => {
      if (typeof item === 'string') return item;
      if (item && typeof item === 'object' && (item as { type?: unknown }).type === 'text')
        return String((item as { text?: unknown }).text ?? '');
      throw new InvalidRequestError(field, 'holds a non-text content item; the trainer trains on text only');
    })
    .join('');
}

function dialogMessages(dialog: unknown, field: string): DialogMessage[] {
  if (!Array.isArray(dialog)) throw new InvalidRequestError(field, 'must be a list of messages');
  return dialog.map((message: { role?: unknown; content?: unknown }, index) => {
    const role = message.role === 'ipython' ? 'user' : message.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant')
      throw new InvalidRequestError(
        `${field}[${index}].role`,
        `must be system, user or assistant, not ${String(role)}`,
      );
    return { role, content: messageText(message.content, `${field}[${index}].content`) };
  });
}

/** What a dataset's rows become for the trainer: examples (text, dialog) or DPO pairs. */
export type TrainingItems =
  | { kind: 'examples'; items: TrainingExample[] }
  | { kind: 'pairs'; items: PreferencePair[] };

function rowText(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidRequestError(where, 'must be non-empty text');
  return value;
}

/** One row as the column says, tokenized by `tokenizer`; a row it cannot train on is a 400 naming it. */
function rowItem(
  row: Record<string, unknown>,
  column: TrainingColumn,
  where: string,
  tokenizer: LlamaModel,
): TrainingExample | PreferencePair {
  if (column === 'text') return textExample(tokenizer, rowText(row.text, `${where}.text`));
  try {
    if (column === 'dialog') return dialogExample(tokenizer, dialogMessages(row.dialog, `${where}.dialog`));
    const [prompt, chosen, rejected] = preferenceColumns.map((name) =>
      rowText(row[name], `${where}.${name}`),
    );
    return preferencePair(tokenizer, prompt as string, chosen as string, rejected as string);
  } catch (error) {
    if (error instanceof InvalidRequestError) throw error;
    throw new InvalidRequestError(where, (error as Error).message, { cause: error });
  }
}

/** Every row of the dataset as the trainer takes it, tokenized by the base model's own tokenizer. */
export async function loadExamples(
  datasets: Datasets,
  { id, column, field }: { id: string; column: TrainingColumn; field: string },
  tokenizer: LlamaModel,
  options: RequestOptions = {},
): Promise<TrainingItems> {
  const items: (TrainingExample | PreferencePair)[] = [];
  for await (const row of datasets.iterateRows({ dataset_id: id }, options))
    items.push(rowItem(row, column, `${field} row ${items.length}`, tokenizer));
  if (items.length === 0) throw new InvalidRequestError(field, 'has no rows to train on');
  return column === 'preference'
    ? { kind: 'pairs', items: items as PreferencePair[] }
    : { kind: 'examples', items: items as TrainingExample[] };
}
