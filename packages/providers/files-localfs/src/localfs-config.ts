// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sample configs spell ${env.NAME} literally.
import { z } from 'zod';

const defaultMaxFileBytes = 1024 * 1024 * 1024;

export const LocalFsFilesConfig = z
  .object({
    max_file_bytes: z
      .number()
      .int()
      .positive()
      .default(defaultMaxFileBytes)
      .describe(
        `Largest file stored, in bytes, whoever writes it (an upload, a batch's output); larger gets 413. ` +
          `Uploads over HTTP are also bounded by the server's max_upload_bytes. Default ${defaultMaxFileBytes} (1 GiB).`,
      ),
  })
  .strict();
export type LocalFsFilesConfig = z.infer<typeof LocalFsFilesConfig>;
export type LocalFsFilesConfigInput = z.input<typeof LocalFsFilesConfig>;

/** A config for distribution templates, written with `${env.…}` placeholders. */
export function sampleLocalFsFilesConfig(_dataDir: string): Record<string, unknown> {
  return { max_file_bytes: `\${env.LLAMA_STACK_TS_FILES_MAX_BYTES:=${defaultMaxFileBytes}}` };
}
