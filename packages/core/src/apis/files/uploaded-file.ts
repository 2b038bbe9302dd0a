/**
 * A file as an operation receives it: its name and media type as the client sent them, and its
 * bytes as a stream, read once by whoever stores it. The server hands over a multipart part this
 * way (never held whole in memory); in-process callers build one with `uploadedFile()`.
 */
export interface UploadedFile {
  /** The file name the client gave (the part's `filename`); never a path to trust. */
  filename: string;
  /** The part's `Content-Type`; `application/octet-stream` when the client named none. */
  content_type: string;
  /** The bytes, read once. */
  stream: ReadableStream<Uint8Array>;
}

/**
 * A stored file's bytes as an operation answers with them: streamed (the server pipes them to the
 * response as they are read), with the media type and name the `Content-Type` and
 * `Content-Disposition` headers carry. Whoever receives it must read `stream` to its end or cancel it.
 */
export interface FileContent {
  filename: string;
  content_type: string;
  /** The size in bytes, sent as `Content-Length`; absent when unknown. */
  bytes?: number;
  stream: ReadableStream<Uint8Array>;
}

/**
 * An `UploadedFile` over bytes already in memory, for in-process callers (a provider writing a
 * result file through the Files API): `files.uploadFile({ file: uploadedFile('out.jsonl', text), purpose: 'batch' })`.
 * A string is encoded as UTF-8.
 */
export function uploadedFile(
  filename: string,
  content: string | Uint8Array,
  contentType = 'application/octet-stream',
): UploadedFile {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    filename,
    content_type: contentType,
    stream: new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes.byteLength > 0) controller.enqueue(bytes);
        controller.close();
      },
    }),
  };
}

/** Whether `value` is an `UploadedFile` (a file part), not a text field or anything else. */
export function isUploadedFile(value: unknown): value is UploadedFile {
  if (typeof value !== 'object' || value === null) return false;
  const { filename, content_type, stream } = value as Partial<UploadedFile>;
  return (
    typeof filename === 'string' &&
    typeof content_type === 'string' &&
    typeof (stream as ReadableStream | undefined)?.getReader === 'function'
  );
}

/** Whether `value` is a `FileContent`: what a binary route's operation answers with. */
export function isFileContent(value: unknown): value is FileContent {
  return isUploadedFile(value);
}
