import type { UrlPolicy } from '@llama-stack-ts/core';

/** What a document's `content` turned out to hold, once read: text as given, or bytes to decode. */
export type DocumentSource =
  | { kind: 'text'; text: string; mimeType: string }
  | { kind: 'bytes'; bytes: Uint8Array; mimeType: string; charset?: string | undefined };

/** Limits and permissions that apply while reading a document's `content`. */
export interface ReadDocumentOptions {
  /** Largest document accepted, in bytes (inline text counts its UTF-8 bytes). */
  maxBytes: number;
  /** How long an http(s) fetch may take, body included. */
  fetchTimeoutMs: number;
  /** Whether `http(s)://` contents are fetched at all. */
  allowHttp: boolean;
  /** The distribution's `url_fetch:` policy: which hosts and file roots URLs may reach (none without one). */
  urlPolicy: UrlPolicy | undefined;
  signal?: AbortSignal | undefined;
}
