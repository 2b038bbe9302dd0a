import { type Datasets, InvalidRequestError, type RequestOptions } from '@llama-stack-ts/core';
import {
  type DialogMessage,
  dialogExample,
  type TrainingExample,
  textExample,
} from '@llama-stack-ts/trainer-tfjs';
import type { LlamaModel } from 'node-llama-cpp';
import type { TrainingColumn } from './training-column.js';

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

/** Every row of the dataset as a training example, tokenized by the base model's own tokenizer. */
export async function loadExamples(
  datasets: Datasets,
  { id, column, field }: { id: string; column: TrainingColumn; field: string },
  tokenizer: LlamaModel,
  options: RequestOptions = {},
): Promise<TrainingExample[]> {
  const examples: TrainingExample[] = [];
  let index = 0;
  for await (const row of datasets.iterateRows({ dataset_id: id }, options)) {
    const where = `${field} row ${index}.${column}`;
    const value = row[column];
    if (column === 'text') {
      if (typeof value !== 'string' || value.length === 0)
        throw new InvalidRequestError(where, 'must be non-empty text');
      examples.push(textExample(tokenizer, value));
    } else {
      try {
        examples.push(dialogExample(tokenizer, dialogMessages(value, where)));
      } catch (error) {
        if (error instanceof InvalidRequestError) throw error;
        throw new InvalidRequestError(where, (error as Error).message, { cause: error });
      }
    }
    index++;
  }
  if (examples.length === 0) throw new InvalidRequestError(field, 'has no rows to train on');
  return examples;
}
