import type { HttpMethod } from '@llama-stack-ts/core';
import type { z } from 'zod';

/**
 * What the client reads of a route table entry. Every `RouteDefinition` of core fits it; the client
 * takes this structural shape so one table of any protocol (or a test's own) builds a client.
 */
export interface ClientRoute {
  readonly api: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly operation: string;
  readonly streamOperation?: string;
  readonly stream?: 'optional' | 'always' | 'accept';
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly bodyField?: string;
  readonly bodyFormat?: 'json' | 'multipart';
  readonly response: z.ZodType;
  readonly responseFormat?: 'json' | 'binary';
  readonly streamChunk?: z.ZodType;
}

/** What every client method takes beside its request. */
export interface CallOptions {
  /** Aborts the request; for a stream, also ends the iteration and closes the connection. */
  signal?: AbortSignal;
  /** Extra headers for this call; they win over the client's. */
  headers?: Record<string, string | undefined>;
}

/** `agentic_system` → `agenticSystem`. */
export type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Name;

type EmptyObject = Record<never, never>;

/** The JSON body part of a request: the body schema's input, or `{ [bodyField]: input }` for a bare body. */
type BodyPart<Route> = Route extends { body: infer Body extends z.ZodType }
  ? Route extends { bodyField: infer Field extends string }
    ? undefined extends z.input<Body>
      ? { [Key in Field]?: z.input<Body> }
      : { [Key in Field]: z.input<Body> }
    : z.input<Body>
  : never;

type QueryPart<Route> = Route extends { query: infer Query extends z.ZodType } ? z.input<Query> : never;

/** Query parameters and path parameters, which the client places in the URL. */
type UrlPart<Route> = Route extends { params: infer Params extends z.ZodType }
  ? [QueryPart<Route>] extends [never]
    ? z.input<Params>
    : Simplify<z.input<Params> & QueryPart<Route>>
  : QueryPart<Route>;

/** Flattens an intersection into one object type (per union member), so hovers read plainly. */
type Simplify<Type> = Type extends unknown ? { [Key in keyof Type]: Type[Key] } : never;

/** Query and body merged; either alone is kept as the schema's own type. */
type MergedRequest<Query, Body> = [Query] extends [never]
  ? [Body] extends [never]
    ? EmptyObject
    : Body
  : [Body] extends [never]
    ? Query
    : Simplify<Query & Body>;

/** Drops `stream` from each member of a union: the method called decides whether the call streams. */
type WithoutStream<Request> = Request extends unknown ? Omit<Request, 'stream'> : never;

/**
 * The request a method takes: path parameters, query parameters and body fields merged into one
 * object, as the protocol method on the server receives them. Input types, so fields with defaults
 * are optional.
 */
export type RouteRequest<Route> = Route extends { stream: 'optional' | 'always' }
  ? WithoutStream<MergedRequest<UrlPart<Route>, BodyPart<Route>>>
  : MergedRequest<UrlPart<Route>, BodyPart<Route>>;

export type RouteResponse<Route> = Route extends { response: infer Response extends z.ZodType }
  ? z.output<Response>
  : never;

export type RouteChunk<Route> = Route extends { streamChunk: infer Chunk extends z.ZodType }
  ? z.output<Chunk>
  : unknown;

/** A method whose request has no required field can be called with no argument. */
type MethodOf<Request, Result> = EmptyObject extends Request
  ? (request?: Request, options?: CallOptions) => Result
  : (request: Request, options?: CallOptions) => Result;

export type JsonMethod<Route> = MethodOf<RouteRequest<Route>, Promise<RouteResponse<Route>>>;
export type StreamMethod<Route> = MethodOf<RouteRequest<Route>, AsyncIterable<RouteChunk<Route>>>;

/** The method answering with one JSON value; none for a route that always streams. */
export type JsonMethodName<Route> = Route extends { stream: 'always' }
  ? never
  : Route extends { operation: infer Name extends string }
    ? Name
    : never;

/** The method answering with a stream: `streamOperation`, or `operation` itself for an always-streamed route. */
export type StreamMethodName<Route> = Route extends { stream: 'always' }
  ? Route extends { streamOperation: infer Name extends string }
    ? Name
    : Route extends { operation: infer Name extends string }
      ? Name
      : never
  : Route extends { stream: 'optional' | 'accept'; streamOperation: infer Name extends string }
    ? Name
    : never;

/** The methods of one API: one per route operation, plus one per stream operation. */
export type ApiClient<Routes extends ClientRoute> = {
  [Route in Routes as JsonMethodName<Route>]: JsonMethod<Route>;
} & {
  [Route in Routes as StreamMethodName<Route>]: StreamMethod<Route>;
};

/** The routes of `Routes` that belong to `Api`; every route when the table's `api` is not a literal. */
type RoutesOfApi<Routes, Api extends string> = Routes extends { api: infer RouteApi }
  ? Api extends RouteApi
    ? Routes
    : never
  : never;

/** A method of a table whose types were widened (`allRoutes`): callable, its result unknown. */
export type UntypedMethod = (request?: Record<string, unknown>, options?: CallOptions) => unknown;

type IsLiteral<Name> = [Name] extends [never] ? false : string extends Name ? false : true;

/** A client for a route table: one `ApiClient` per API, keyed by the API name camelCased. */
export type StackClientFor<Routes extends readonly ClientRoute[]> = {
  [Api in Routes[number]['api'] as CamelCase<Api>]: IsLiteral<Routes[number]['operation']> extends true
    ? ApiClient<RoutesOfApi<Routes[number], Api>>
    : Record<string, UntypedMethod>;
};
