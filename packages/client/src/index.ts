export { camelCase } from './camel-case.js';
export type {
  ApiClient,
  CallOptions,
  CamelCase,
  ClientRoute,
  JsonMethod,
  RouteChunk,
  RouteRequest,
  RouteResponse,
  StackClientFor,
  StreamMethod,
  UntypedMethod,
} from './client-route.js';
export {
  createStackClient,
  type GatewayCallOptions,
  type StackClient,
  type StackClientOptions,
} from './create-stack-client.js';
export { rebuildStackError, requestIdOf, type ServerErrorFields } from './rebuild-stack-error.js';
export { type SplitRequest, splitRequest } from './split-request.js';
