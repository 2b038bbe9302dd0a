import type { JobContext, ProviderLogger } from '@llama-stack-ts/core';
import { batchPaths } from '../batch-paths.js';
import type { LineCounts, LineOutcome } from './line-outcome.js';
import { logPartStarted } from './log-part-started.js';
import type { PartRange } from './part-range.js';
import type { InputLine } from './read-part-lines.js';
import { runPart } from './run-part.js';

export interface PartProcessorOptions<Part extends PartRange> {
  /** The directory that holds one directory per batch (see `batchPaths`). */
  root: string;
  logger: ProviderLogger;
  /** Runs one line of a part; see `RunPartOptions.runLine`. */
  runLine(line: InputLine, part: Part, signal: AbortSignal): Promise<LineOutcome>;
}

/**
 * The `processPart` of a batch queue: both batch APIs run a part the same way (log which worker
 * took it, then run its lines against its journal) and differ only in what one line does.
 */
export function partProcessor<Part extends PartRange>(
  options: PartProcessorOptions<Part>,
): (part: JobContext<Part>) => Promise<LineCounts> {
  return async (part) => {
    const paths = batchPaths(options.root, part.jobId);
    await logPartStarted(options.logger, part);
    return runPart({
      inputPath: paths.input,
      partsDir: paths.parts,
      partIndex: part.partIndex ?? 0,
      part: part.data,
      signal: part.signal,
      runLine: (line, signal) => options.runLine(line, part.data, signal),
      setProgress: (progress) => part.setProgress(progress),
    });
  };
}
