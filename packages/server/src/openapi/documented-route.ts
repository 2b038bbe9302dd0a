import type { z } from 'zod';

/**
 * A route as the OpenAPI document describes it. Core's route tables (`RouteDefinition`) are
 * documented routes; so are the OpenAI and TGI surfaces' tables, which add their path parameters,
 * error shape and event framing.
 */
export interface DocumentedRoute {
  /** The tag the route is listed under: an API name, `openai`, `tgi` or `server`. */
  api: string;
  method: string;
  /**
   * The path, its parameters written `{name}` (core's route tables) or as Hono matches them
   * (`/v1/models/:model{.+}`); both are documented as `/v1/models/{model}`.
   */
  path: string;
  /** The operation id. */
  operation: string;
  summary: string;
  description?: string;
  /** Path parameters, one per `:name` of `path`. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  bodyField?: string;
  /** `multipart`: the body is documented as `multipart/form-data`. Default `json`. */
  bodyFormat?: 'json' | 'multipart';
  response: z.ZodType;
  /** `binary`: the response is documented as the file's bytes. Default `json`. */
  responseFormat?: 'json' | 'binary';
  stream?: 'optional' | 'always' | 'accept';
  streamOperation?: string;
  streamChunk?: z.ZodType;
  experimental?: boolean;
  /** The body of the route's error answers. Default: the stack's `ErrorResponse`. */
  errorResponse?: z.ZodType;
  /**
   * How the route's events are framed, said in the streamed response's description. Default: one
   * JSON chunk per `data:` line, a failure after the start arriving as `event: error`.
   */
  events?: string;
}
