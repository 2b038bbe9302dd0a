import { defineRoutes } from '../route-definition.js';
import type { Files } from './files-protocol.js';
import {
  DeleteFileResponse,
  FileContentSchema,
  FileIdRequest,
  FileObject,
  ListFilesRequest,
  ListFilesResponse,
  UploadFileRequest,
} from './files-schemas.js';

/** OpenAI's paths, under `/v1` as the `openai` client (`baseURL: …/v1`) calls them. */
export const filesRoutes = defineRoutes<Files>()([
  {
    api: 'files',
    method: 'POST',
    path: '/v1/files',
    operation: 'uploadFile',
    summary: 'Upload a file (multipart form: `file`, `purpose`, optional `expires_after`).',
    description:
      'The form parts are `file` (the bytes, with a filename), `purpose` and optionally ' +
      '`expires_after[anchor]=created_at` with `expires_after[seconds]` (3600 to 2592000). An upload ' +
      "over the server's `max_upload_bytes` is answered 413.",
    body: UploadFileRequest,
    bodyFormat: 'multipart',
    response: FileObject,
  },
  {
    api: 'files',
    method: 'GET',
    path: '/v1/files',
    operation: 'listFiles',
    summary: 'One page of files, newest first by default.',
    query: ListFilesRequest,
    response: ListFilesResponse,
  },
  {
    api: 'files',
    method: 'GET',
    path: '/v1/files/{file_id}',
    operation: 'retrieveFile',
    summary: 'A file object by its id.',
    params: FileIdRequest,
    response: FileObject,
  },
  {
    api: 'files',
    method: 'DELETE',
    path: '/v1/files/{file_id}',
    operation: 'deleteFile',
    summary: 'Delete a file and its content.',
    params: FileIdRequest,
    response: DeleteFileResponse,
  },
  {
    api: 'files',
    method: 'GET',
    path: '/v1/files/{file_id}/content',
    operation: 'retrieveFileContent',
    summary: "A file's bytes, as uploaded.",
    description:
      'Answered with the media type the file was uploaded with and `Content-Disposition: attachment; filename=…`.',
    params: FileIdRequest,
    response: FileContentSchema,
    responseFormat: 'binary',
  },
]);
