import {
  Attachment,
  type DatasetColumnType,
  type DatasetRow,
  formatIssuePath,
  Message,
  URL,
} from '@llama-stack-ts/core';
import { z } from 'zod';
import type { ContentFormat } from '../content/content-format.js';
import type { RawRecord } from '../content/raw-record.js';
import { RowProblem } from './row-problem.js';

/** What a value of each column type must be (after the format's text is read as JSON where needed). */
const columnSchemas: Readonly<Record<DatasetColumnType, z.ZodType>> = {
  dialog: z.array(Message).min(1, 'must hold at least one message'),
  text: z.string(),
  media: z.union([URL, Attachment]),
  number: z.number(),
  json: z.json(),
};

const columnTypeHints: Readonly<Record<DatasetColumnType, string>> = {
  dialog: 'a dialog column holds a list of messages ({"role": "user", "content": "..."})',
  text: 'a text column holds a string',
  media: 'a media column holds an http(s)://, file:// or data: URL, or {"url", "mime_type"}',
  number: 'a number column holds a number',
  json: 'a json column holds any JSON value',
};

/**
 * Checks one record against the dataset's columns and answers the row as the API gives it: each
 * declared column's value typed (a dialog's messages with their defaults filled in), any other
 * field as it was. CSV cells are text, so there a number column's cell is read as a number and a
 * dialog, json or object-shaped media cell as JSON; Parquet dialogs stored as JSON text are read so too.
 * A bad row is a `RowProblem` naming the row, the column and what is wrong.
 */
export function checkRow(
  record: RawRecord,
  columns: Readonly<Record<string, DatasetColumnType>>,
  format: ContentFormat,
): DatasetRow {
  const { value, index, line } = record;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RowProblem(`is ${describeJson(value)}, not an object of column values`, { index, line });
  }
  const row: DatasetRow = { ...(value as DatasetRow) };
  for (const [column, type] of Object.entries(columns)) {
    const where = { index, line, column };
    const raw = row[column];
    if (raw === undefined) throw new RowProblem('has no value', where);
    const cell = readCell(raw, type, format, where);
    const result = columnSchemas[type].safeParse(cell);
    if (!result.success) {
      const [issue] = result.error.issues;
      const path = issue && issue.path.length > 0 ? `${formatIssuePath(issue.path)} ` : '';
      throw new RowProblem(`${path}${issue?.message ?? 'is invalid'} (${columnTypeHints[type]})`, where);
    }
    row[column] = result.data;
  }
  return row;
}

function readCell(
  raw: unknown,
  type: DatasetColumnType,
  format: ContentFormat,
  where: { index: number; line: number | undefined; column: string },
): unknown {
  if (typeof raw !== 'string' || format === 'jsonl' || format === 'json') return raw;
  if (format === 'csv' && type === 'number') {
    const number = raw.trim() === '' ? Number.NaN : Number(raw);
    if (Number.isNaN(number)) throw new RowProblem(`'${clip(raw)}' is not a number`, where);
    return number;
  }
  const isJsonText =
    type === 'dialog' ||
    (format === 'csv' && type === 'json') ||
    (type === 'media' && raw.trimStart().startsWith('{'));
  if (!isJsonText) return raw;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new RowProblem(`'${clip(raw)}' is not JSON (${(error as Error).message})`, where);
  }
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
