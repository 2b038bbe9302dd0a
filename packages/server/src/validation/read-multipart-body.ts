import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import {
  InvalidRequestError,
  PayloadTooLargeError,
  StackError,
  type UploadedFile,
} from '@llama-stack-ts/core';
import busboy from 'busboy';
import type { Context } from 'hono';

/** 512 MiB: a batch input or a document collection, well past what a JSON body may hold. */
export const defaultUploadLimitBytes = 512 * 1024 * 1024;

/** Longest text part accepted; a form's text fields are short (a purpose, a number of seconds). */
const maxFieldBytes = 64 * 1024;
/** Most parts one form may hold, so a client cannot make the server track thousands of them. */
const maxParts = 64;

export interface ReadMultipartBodyOptions {
  /** Largest body accepted, all parts together, in bytes; larger is answered 413. */
  maxBytes: number;
  /** Appended to the 413 message: how the user can raise the limit. */
  hint: string;
  /** Where file parts are kept while the rest of the form arrives. Default: `os.tmpdir()`. */
  spoolDir?: string;
}

/** A form read to its end: its fields, and the files it held, removed by `dispose()`. */
export interface MultipartBody extends AsyncDisposable {
  /**
   * The text parts by name, `a[b]` nested as `{ a: { b } }` (a repeated name keeps its last
   * value), and each file part as an `UploadedFile` whose stream reads the spooled bytes.
   */
  fields: Record<string, unknown>;
  /** Removes the spooled files; a stream not read to its end is closed. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * Reads a `multipart/form-data` body with busboy, streaming: text parts are collected (64 KiB
 * each at most), file parts written to a temporary file as they arrive, so memory stays flat
 * whatever the file's size. The whole form is read before anything sees it because a client may
 * send the file before the fields that say what it is (the `openai` client sends `file` first).
 *
 * A body over `maxBytes` is a 413 (a declared `Content-Length` before any byte is read); a body that
 * is not a multipart form is a 415 naming the type it had; a form that breaks off or does not parse
 * is a 400. A request with no body and no `Content-Type` reads as an empty form.
 */
export async function readMultipartBody(
  c: Context,
  { maxBytes, hint, spoolDir = tmpdir() }: ReadMultipartBodyOptions,
): Promise<MultipartBody> {
  const contentType = c.req.header('content-type') ?? '';
  const noDispose = () => Promise.resolve();
  // No body at all is an empty form, so validation names the first field it lacks (as FastAPI does).
  if (contentType === '' && (c.req.raw.body === null || c.req.header('content-length') === '0')) {
    return { fields: {}, dispose: noDispose, [Symbol.asyncDispose]: noDispose };
  }
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new StackError(
      415,
      'unsupported_media_type',
      `The request body must be a multipart form: send it with 'Content-Type: multipart/form-data; boundary=…' (got '${contentType || 'none'}').`,
    );
  }
  const tooLarge = () => new PayloadTooLargeError('The upload', maxBytes, hint);
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
  const body = c.req.raw.body;
  if (!body)
    throw new InvalidRequestError('(body)', 'the multipart form is empty; send the file and its fields');

  const fields: Record<string, unknown> = {};
  const spooled: SpooledFile[] = [];
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
  };

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Clients send file names as UTF-8 (browsers, undici, the openai client), not Latin-1.
      defParamCharset: 'utf8',
      limits: { fieldSize: maxFieldBytes, parts: maxParts },
    });
  } catch (error) {
    throw new InvalidRequestError(
      '(body)',
      `is not a multipart form (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) fail(new InvalidRequestError(name, `is longer than ${maxFieldBytes} bytes`));
    else setField(fields, name, value);
  });
  parser.on('file', (name, stream, info) => {
    const file = new SpooledFile(join(spoolDir, `llama-stack-ts-upload-${randomUUID()}`), stream);
    spooled.push(file);
    setField(fields, name, file.asUploadedFile(info.filename, info.mimeType));
  });
  parser.on('partsLimit', () =>
    fail(
      new InvalidRequestError(
        '(body)',
        `holds more than ${maxParts} parts; send only the fields the route takes`,
      ),
    ),
  );

  const dispose = () => Promise.all(spooled.map((file) => file.dispose())).then(() => undefined);
  try {
    try {
      await pipeline(
        Readable.fromWeb(body as NodeReadableStream<Uint8Array>),
        new ByteCounter(maxBytes, tooLarge),
        parser,
      );
    } catch (error) {
      if (StackError.isInstance(error) || c.req.raw.signal.aborted) throw error;
      throw new InvalidRequestError(
        '(body)',
        `is not a complete multipart form (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    // A file that could not be written (a full disk) is the server's failure, not the client's.
    await Promise.all(spooled.map((file) => file.written));
    if (failure) throw failure;
  } catch (error) {
    await dispose();
    throw error;
  }
  return { fields, dispose, [Symbol.asyncDispose]: dispose };
}

/** Passes bytes on, failing with `tooLarge()` once more than `maxBytes` went through. */
class ByteCounter extends Transform {
  #count = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly tooLarge: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#count += chunk.byteLength;
    if (this.#count > this.maxBytes) callback(this.tooLarge());
    else callback(null, chunk);
  }
}

/** One file part, written to `path` as it arrives and read back from there by the operation. */
class SpooledFile {
  readonly written: Promise<void>;
  #reader: Readable | undefined;

  constructor(
    private readonly path: string,
    part: Readable,
  ) {
    const output = createWriteStream(path, { flags: 'wx' });
    // busboy fails the part when the form breaks off or the body is cut at the limit; that ends
    // the write too (the form's own failure is what the request answers).
    part.on('error', (error) => output.destroy(error));
    part.pipe(output);
    this.written = finished(output);
    // A failed write (a full disk) still drains the part, so busboy reads on to the end of the form
    // and the failure is thrown once it has; until then it must not be an unhandled rejection.
    this.written.catch(() => {
      part.unpipe(output);
      part.resume();
    });
  }

  asUploadedFile(filename: string | undefined, mimeType: string | undefined): UploadedFile {
    const open = () => {
      this.#reader ??= createReadStream(this.path);
      return Readable.toWeb(this.#reader) as unknown as ReadableStream<Uint8Array>;
    };
    let stream: ReadableStream<Uint8Array> | undefined;
    return {
      filename: filename || 'upload',
      content_type: mimeType || 'application/octet-stream',
      // Opened when first read: by then the whole file is on disk.
      get stream() {
        stream ??= open();
        return stream;
      },
    };
  }

  async dispose(): Promise<void> {
    this.#reader?.destroy();
    await this.written.catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

/** Keys that would reach an object's prototype instead of naming a field. */
const unsafeKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Sets `expires_after[seconds]` as `fields.expires_after.seconds`; a plain name as itself. */
function setField(fields: Record<string, unknown>, name: string, value: unknown): void {
  const match = /^([^[\]]+)((?:\[[^[\]]+\])*)$/.exec(name);
  const path = match
    ? [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]+)\]/g)].map((part) => part[1]!)]
    : [name];
  if (path.some((key) => unsafeKeys.has(key))) return;
  let target = fields;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[path.at(-1)!] = value;
}
