import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { JobEngine } from '../job-engine.js';

export interface JobsDashboardOptions {
  /** Where the app will be mounted: the page's links and assets are under it. Default `/admin/queues`. */
  basePath?: string;
}

/**
 * Bull Board over the engine's queues, as a Hono app to mount at `basePath`
 * (`parent.route(basePath, app)`). Read-only: retrying or removing a job behind the engine's back
 * would leave its record and the queue disagreeing; cancel through the API instead.
 */
export function createJobsDashboard(engine: JobEngine, options: JobsDashboardOptions = {}): Hono {
  const basePath = options.basePath ?? '/admin/queues';
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(basePath);
  createBullBoard({
    queues: engine.bullmqQueues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: `llama-stack-ts: ${engine.prefix}` } },
  });
  return serverAdapter.registerPlugin();
}
