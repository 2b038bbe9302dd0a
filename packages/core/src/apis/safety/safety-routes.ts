import { defineRoutes } from '../route-definition.js';
import type { Safety } from './safety-protocol.js';
import { RunShieldRequest, RunShieldResponse } from './safety-schemas.js';

export const safetyRoutes = defineRoutes<Safety>()([
  {
    api: 'safety',
    method: 'POST',
    path: '/safety/run_shield',
    operation: 'runShield',
    summary: 'Check a conversation with one shield.',
    description: 'Answers `violation: null` when the shield finds nothing.',
    body: RunShieldRequest,
    response: RunShieldResponse,
    experimental: true,
  },
]);
