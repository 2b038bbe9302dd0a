import { z } from 'zod';
import { type FileContent, isFileContent, isUploadedFile, type UploadedFile } from './uploaded-file.js';

/**
 * Wire types of OpenAI's Files API (`/v1/files`, as today's Llama Stack serves it in
 * `ogx/openapi.yaml`), so the official `openai` client's `files` resource works unchanged.
 */

export const filePurposes = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

export const FilePurpose = z
  .enum(filePurposes, { error: `must be one of ${filePurposes.map((purpose) => `'${purpose}'`).join(', ')}` })
  .meta({ id: 'FilePurpose', description: 'What the file is for; `batch` for the input of a batch.' });
export type FilePurpose = z.infer<typeof FilePurpose>;

/** Shortest and longest `expires_after.seconds`: one hour and 30 days, as OpenAI takes them. */
export const minFileExpirySeconds = 3600;
export const maxFileExpirySeconds = 2_592_000;

export const FileExpiresAfter = z
  .object({
    anchor: z
      .literal('created_at', { error: "must be 'created_at'" })
      .describe('What the expiry counts from: always `created_at`.'),
    // Coerced: a multipart form sends `expires_after[seconds]` as text.
    seconds: z.coerce
      .number({ error: 'must be a whole number of seconds' })
      .int('must be a whole number of seconds')
      .min(minFileExpirySeconds, `must be at least ${minFileExpirySeconds} (one hour)`)
      .max(maxFileExpirySeconds, `must be at most ${maxFileExpirySeconds} (30 days)`)
      .describe(
        `Seconds after \`created_at\` when the file is deleted, ${minFileExpirySeconds} to ${maxFileExpirySeconds}.`,
      ),
  })
  .meta({
    id: 'FileExpiresAfter',
    description:
      'When the file expires. In a multipart form: `expires_after[anchor]=created_at` and `expires_after[seconds]=…`.',
  });
export type FileExpiresAfter = z.infer<typeof FileExpiresAfter>;

export const FileObject = z
  .object({
    id: z.string().describe('The file id (`file-…`), to name it in the other routes.'),
    object: z.literal('file'),
    bytes: z.number().int().nonnegative().describe('The size of the file, in bytes.'),
    created_at: z.number().int().describe('When the file was uploaded: Unix time, in seconds.'),
    expires_at: z
      .number()
      .int()
      .nullable()
      .describe('When the file expires (Unix time, in seconds); null when it does not.'),
    filename: z.string().describe('The name the file was uploaded with.'),
    purpose: FilePurpose,
    status: z
      .enum(['uploaded', 'processed', 'error'])
      .describe('Deprecated by OpenAI, kept for its clients: always `processed` once stored.'),
  })
  .meta({ id: 'FileObject', description: 'An uploaded file, as OpenAI describes one.' });
export type FileObject = z.infer<typeof FileObject>;

const fileField = 'must be a file: send it as the multipart form part named `file`, with a filename';

/**
 * The `file` part of an upload: an `UploadedFile` streamed to the operation. Documented as
 * binary, which is how a multipart form carries it.
 */
export const UploadedFileSchema = z
  .custom<UploadedFile>(isUploadedFile, {
    error: (issue) =>
      issue.input === undefined ? `is required; ${fileField.replace('must be a file: ', '')}` : fileField,
  })
  .meta({ type: 'string', format: 'binary', description: 'The file to upload.' });

export const UploadFileRequest = z
  .object({
    file: UploadedFileSchema,
    purpose: FilePurpose,
    expires_after: FileExpiresAfter.optional().describe(
      'When the file expires; by default it does not. In a multipart form: `expires_after[anchor]` and `expires_after[seconds]`.',
    ),
  })
  .meta({
    id: 'UploadFileRequest',
    description: 'A multipart form: the file, its purpose, when it expires.',
  });
export type UploadFileRequest = z.infer<typeof UploadFileRequest>;
export type UploadFileRequestInput = z.input<typeof UploadFileRequest>;

/** Most files one `GET /v1/files` page may hold, and the default. */
export const maxListFilesLimit = 10_000;

export const FileOrder = z
  .enum(['asc', 'desc'], { error: "must be 'asc' or 'desc'" })
  .meta({ id: 'FileOrder', description: 'Sort order by `created_at`.' });
export type FileOrder = z.infer<typeof FileOrder>;

export const ListFilesRequest = z.object({
  after: z
    .string()
    .min(1, 'must name a file id (the `last_id` of the previous page)')
    .optional()
    .describe('A file id: answer the files after it in this order (the `last_id` of the previous page).'),
  limit: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(maxListFilesLimit, `must be at most ${maxListFilesLimit}`)
    .default(maxListFilesLimit)
    .describe(`Most files to answer with, 1 to ${maxListFilesLimit}. Default ${maxListFilesLimit}.`),
  order: FileOrder.default('desc').describe('`asc` or `desc` by `created_at`. Default `desc`, newest first.'),
  purpose: FilePurpose.optional().describe('Only the files of this purpose.'),
});
export type ListFilesRequest = z.infer<typeof ListFilesRequest>;
export type ListFilesRequestInput = z.input<typeof ListFilesRequest>;

export const ListFilesResponse = z
  .object({
    object: z.literal('list'),
    data: z.array(FileObject),
    has_more: z.boolean().describe('Whether more files follow this page (ask again with `after: last_id`).'),
    first_id: z.string().nullable().describe('The id of the first file of the page; null for an empty page.'),
    last_id: z.string().nullable().describe('The id of the last file of the page; null for an empty page.'),
  })
  .meta({ id: 'ListFilesResponse', description: 'One page of files.' });
export type ListFilesResponse = z.infer<typeof ListFilesResponse>;

/** The path parameter of `/v1/files/{file_id}` and `/v1/files/{file_id}/content`. */
export const FileIdRequest = z.object({
  file_id: z.string().min(1, 'must name a file (its `file-…` id)').describe('The id of the file.'),
});
export type FileIdRequest = z.infer<typeof FileIdRequest>;

export type RetrieveFileRequest = FileIdRequest;
export type DeleteFileRequest = FileIdRequest;
export type RetrieveFileContentRequest = FileIdRequest;

export const DeleteFileResponse = z
  .object({
    id: z.string(),
    object: z.literal('file'),
    deleted: z.literal(true),
  })
  .meta({ id: 'DeleteFileResponse', description: 'The file is gone.' });
export type DeleteFileResponse = z.infer<typeof DeleteFileResponse>;

/** The response of `GET /v1/files/{file_id}/content`: the file's bytes, as they were uploaded. */
export const FileContentSchema = z
  .custom<FileContent>(isFileContent, { error: 'must be the content of a file' })
  .meta({ type: 'string', format: 'binary', description: "The file's bytes, as uploaded." });
