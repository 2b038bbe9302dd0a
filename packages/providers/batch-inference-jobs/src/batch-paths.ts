import { join } from 'node:path';

/** Where one batch keeps its files, under `root` (a directory of the provider's data directory). */
export interface BatchPaths {
  dir: string;
  /** The batch's copy of its input, read by its parts. */
  input: string;
  /** The parts' journals and outputs. */
  parts: string;
  /** The records of the lines that succeeded, in input order. */
  output: string;
  /** The records of the lines that failed, in input order. */
  errors: string;
}

export function batchPaths(root: string, batchId: string): BatchPaths {
  const dir = join(root, batchId);
  return {
    dir,
    input: join(dir, 'input.jsonl'),
    parts: join(dir, 'parts'),
    output: join(dir, 'output.jsonl'),
    errors: join(dir, 'errors.jsonl'),
  };
}
