// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { z } from 'zod';

const defaultMaxContentBytes = 1024 * 1024 * 1024;
const defaultFetchTimeoutMs = 600_000;

export const LocalFsDatasetsConfig = z
  .object({
    max_content_bytes: z
      .number()
      .int()
      .positive()
      .default(defaultMaxContentBytes)
      .describe(
        `Largest http(s) or data: content copied into the data directory, in bytes; larger gets 413. ` +
          `file:// content is read where it is, at any size. Default ${defaultMaxContentBytes} (1 GiB).`,
      ),
    fetch_timeout_ms: z
      .number()
      .int()
      .positive()
      .default(defaultFetchTimeoutMs)
      .describe(
        `How long downloading an http(s) content_url may take, body included. Default ${defaultFetchTimeoutMs} (10 minutes).`,
      ),
  })
  .strict();
export type LocalFsDatasetsConfig = z.infer<typeof LocalFsDatasetsConfig>;
export type LocalFsDatasetsConfigInput = z.input<typeof LocalFsDatasetsConfig>;

/** A config for distribution templates, written with `${env.…}` placeholders. */
export function sampleLocalFsDatasetsConfig(_dataDir: string): Record<string, unknown> {
  return {
    max_content_bytes: `\${env.LLAMA_STACK_TS_DATASET_MAX_BYTES:=${defaultMaxContentBytes}}`,
    fetch_timeout_ms: `\${env.LLAMA_STACK_TS_DATASET_FETCH_TIMEOUT_MS:=${defaultFetchTimeoutMs}}`,
  };
}
