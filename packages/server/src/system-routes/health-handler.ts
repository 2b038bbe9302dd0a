import type { Handler } from 'hono';
import type { ServableStack } from '../servable-stack.js';
import type { HealthResponse } from './system-schemas.js';

/**
 * `/health`: 200 with each provider's status when all are ok, 503 when any reports an error or the
 * check itself fails, so load balancers and orchestrators can act on the status alone.
 */
export function healthHandler(stack: ServableStack): Handler {
  return async function health(c) {
    let body: HealthResponse;
    try {
      const providers = [...(await stack.health())];
      const status = providers.every((provider) => provider.status === 'ok') ? 'ok' : 'error';
      body = { status, distribution: stack.manifest.name, providers };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      body = {
        status: 'error',
        distribution: stack.manifest.name,
        providers: [{ provider_id: '(stack)', provider_type: '(stack)', status: 'error', message }],
      };
    }
    return c.json(body, body.status === 'ok' ? 200 : 503);
  };
}
