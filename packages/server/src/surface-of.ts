import { tgiRoutes } from './tgi/tgi-routes.js';

/** The surfaces a path can belong to, each answering errors in its own shape. */
export type Surface = 'openai' | 'tgi' | 'stack';

const tgiPaths = tgiRoutes.map((route) => route.path).filter((path) => path !== '/');

/**
 * The surface a request path belongs to, wherever the app is mounted (`/v1/…` or `/llama/v1/…`):
 * everything under `/v1/` is OpenAI's, the route tables' `/v1/files` included.
 */
export function surfaceOf(path: string): Surface {
  if (/(^|\/)v1\//.test(path)) return 'openai';
  if (path === '/' || tgiPaths.some((tgiPath) => path.endsWith(tgiPath))) return 'tgi';
  return 'stack';
}
