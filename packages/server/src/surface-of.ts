import { allRoutes } from '@llama-stack-ts/core';
import { tgiRoutes } from './tgi/tgi-routes.js';

/** The surfaces a path can belong to, each answering errors in its own shape. */
export type Surface = 'openai' | 'tgi' | 'stack';

const tgiPaths = tgiRoutes.map((route) => route.path).filter((path) => path !== '/');
const stackPaths = allRoutes.map((route) => route.path);

/**
 * The surface a request path belongs to, wherever the app is mounted (`/v1/…` or `/llama/v1/…`):
 * everything under `/v1/` is OpenAI's, the route tables' `/v1/files` included. The route tables'
 * paths are tried before TGI's, because a mount prefix makes suffixes ambiguous:
 * `/synthetic_data_generation/generate` ends with TGI's `/generate`.
 */
export function surfaceOf(path: string): Surface {
  if (/(^|\/)v1\//.test(path)) return 'openai';
  if (stackPaths.some((stackPath) => path.endsWith(stackPath))) return 'stack';
  if (path === '/' || tgiPaths.some((tgiPath) => path.endsWith(tgiPath))) return 'tgi';
  return 'stack';
}
