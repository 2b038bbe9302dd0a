// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { z } from 'zod';

const defaults = {
  linesPerPart: 64,
  parallelLines: 4,
  maxInputBytes: 200 * 1024 * 1024,
  fetchTimeoutMs: 600_000,
} as const;

const positiveInt = z.number().int('must be a whole number').positive('must be at least 1');

export const JobsBatchConfig = z
  .object({
    lines_per_part: positiveInt
      .default(defaults.linesPerPart)
      .describe(
        'Input lines per part: parts run on any worker, each retried on its own, and a crashed part ' +
          `resumes from the lines it had finished. Default ${defaults.linesPerPart}.`,
      ),
    parallel_lines: positiveInt
      .default(defaults.parallelLines)
      .describe(
        "Inference calls one process keeps running at once, across all its batches' parts: set it to the " +
          "model's parallel sequences (llama.cpp's parallel_sequences) so they stay full. " +
          `Default ${defaults.parallelLines}.`,
      ),
    max_input_bytes: positiveInt
      .default(defaults.maxInputBytes)
      .describe(
        `Largest input file, in bytes; larger gets 413. Default ${defaults.maxInputBytes} (200 MiB).`,
      ),
    fetch_timeout_ms: positiveInt
      .default(defaults.fetchTimeoutMs)
      .describe(
        `How long downloading an http(s) prompt file may take, body included. Default ${defaults.fetchTimeoutMs} (10 minutes).`,
      ),
  })
  .strict();
export type JobsBatchConfig = z.infer<typeof JobsBatchConfig>;
export type JobsBatchConfigInput = z.input<typeof JobsBatchConfig>;

/** A config for distribution templates, written with `${env.…}` placeholders. */
export function sampleJobsBatchConfig(_dataDir: string): Record<string, unknown> {
  return {
    lines_per_part: `\${env.LLAMA_STACK_TS_BATCH_LINES_PER_PART:=${defaults.linesPerPart}}`,
    parallel_lines: `\${env.LLAMA_CPP_PARALLEL_SEQUENCES:=${defaults.parallelLines}}`,
    max_input_bytes: `\${env.LLAMA_STACK_TS_BATCH_MAX_INPUT_BYTES:=${defaults.maxInputBytes}}`,
    fetch_timeout_ms: `\${env.LLAMA_STACK_TS_BATCH_FETCH_TIMEOUT_MS:=${defaults.fetchTimeoutMs}}`,
  };
}
