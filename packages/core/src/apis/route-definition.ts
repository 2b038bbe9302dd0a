import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * The method names of `Protocol`; any string for a route of no particular protocol
 * (`RouteDefinition` as the server and `allRoutes` see it), where `keyof unknown` would be `never`.
 */
export type OperationName<Protocol> = unknown extends Protocol ? string : keyof Protocol & string;

/**
 * One HTTP route of an API. The server, the client and the OpenAPI document are all derived from
 * these entries, so they cannot drift apart.
 *
 * The protocol method `operation` receives one request object: the parsed path parameters and query
 * parameters merged with the parsed body (or, where `bodyField` is set, the body placed under that
 * key, for the spec's routes whose body is a bare array).
 */
export interface RouteDefinition<Protocol = unknown, Api extends string = string> {
  /** The API the route belongs to: its name in `apiRegistry`. */
  api: Api;
  method: HttpMethod;
  /** The path, each path parameter written `{name}` (`/v1/files/{file_id}`), as OpenAPI writes them. */
  path: string;
  /** Protocol method answering with one response. */
  operation: OperationName<Protocol>;
  /** Protocol method answering with an `AsyncIterable` of chunks, sent as Server-Sent Events. */
  streamOperation?: OperationName<Protocol>;
  /**
   * `optional`: streamed when the body says `stream: true`; `always`: every call streams; `accept`:
   * streamed when the client's `Accept` header asks for `text/event-stream` (a GET route's log tail).
   */
  stream?: 'optional' | 'always' | 'accept';
  summary: string;
  description?: string;
  /** Schema of the path parameters: one key per `{name}` of `path`. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  bodyField?: string;
  /**
   * How the body is sent. `json` (the default): a JSON document. `multipart`: a
   * `multipart/form-data` form whose parts are the fields of `body` (an object schema): a text part
   * per field (`expires_after[seconds]` for a nested one), a file part, streamed and never held
   * whole, for a field of `UploadedFileSchema`, which the operation receives as an `UploadedFile`.
   */
  bodyFormat?: 'json' | 'multipart';
  /** Schema of the response; `z.null()` for routes that answer with no content. */
  response: z.ZodType;
  /**
   * How the response is sent. `json` (the default): the operation's result as JSON. `binary`: the
   * operation answers a `FileContent`, whose stream is sent as the body with its media type and
   * file name (`response` is then `FileContentSchema`).
   */
  responseFormat?: 'json' | 'binary';
  streamChunk?: z.ZodType;
  /** Not in the July 2024 draft: added from later Llama Stack versions or as an extension. */
  experimental?: boolean;
}

/** Fixes the protocol type of a route table so `operation` names are checked against it. */
export function defineRoutes<Protocol>() {
  return <const Routes extends readonly RouteDefinition<Protocol>[]>(routes: Routes): Routes => routes;
}
