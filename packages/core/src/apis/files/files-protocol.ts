import type { RequestOptions } from '../request-options.js';
import type {
  DeleteFileRequest,
  DeleteFileResponse,
  FileObject,
  ListFilesRequest,
  ListFilesResponse,
  RetrieveFileContentRequest,
  RetrieveFileRequest,
  UploadFileRequest,
} from './files-schemas.js';
import type { FileContent } from './uploaded-file.js';

/**
 * OpenAI's Files API: files uploaded once and named by id (`file-…`), such as a batch's input and
 * its output and error files. An unknown or expired `file_id` throws `NotFoundError` (404) naming
 * it; a file larger than the provider takes throws `PayloadTooLargeError` (413).
 *
 * In process (other providers, through `ProviderContext.deps.files`), a file goes in as
 * `uploadedFile(name, text)` and comes back as a stream:
 * `(await files.retrieveFileContent({ file_id })).stream`.
 */
export interface Files {
  /**
   * Stores `request.file`, reading its stream to the end, and answers with the file object. The
   * file is listed only once all of it is stored; a failed or aborted upload leaves nothing.
   */
  uploadFile(request: UploadFileRequest, options?: RequestOptions): Promise<FileObject>;
  /** One page of files, newest first unless `order: 'asc'`; `after` is the previous page's `last_id`. */
  listFiles(request: ListFilesRequest, options?: RequestOptions): Promise<ListFilesResponse>;
  retrieveFile(request: RetrieveFileRequest, options?: RequestOptions): Promise<FileObject>;
  deleteFile(request: DeleteFileRequest, options?: RequestOptions): Promise<DeleteFileResponse>;
  /**
   * The file's bytes as a stream, with its media type, name and size. The caller reads the stream
   * to its end or cancels it; aborting `signal` ends it.
   */
  retrieveFileContent(request: RetrieveFileContentRequest, options?: RequestOptions): Promise<FileContent>;
}
