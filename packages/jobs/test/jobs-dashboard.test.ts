import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createJobsDashboard } from '../src/dashboard/index.js';
import { JobEngine } from '../src/index.js';
import { createTestPrefix, testRedisUrl } from '../src/test/index.js';

describe('createJobsDashboard', () => {
  it("serves Bull Board over the engine's queues, read-only", async () => {
    await using keys = createTestPrefix();
    await using engine = new JobEngine({ redisUrl: testRedisUrl, prefix: keys.prefix });
    const queue = engine.queue({ name: 'shown', process: async () => 'done' });
    await queue.add(null, { jobId: 'on-the-board' });
    const app = new Hono().route('/admin/queues', createJobsDashboard(engine));

    const page = await app.request('/admin/queues');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<base href="/admin/queues/" />');
    const script = /src="(static\/js\/main\.[^"]+)"/.exec(html)?.[1];
    expect((await app.request(`/admin/queues/${script}`)).status).toBe(200);

    const api = await app.request('/admin/queues/api/queues?activeQueue=shown&status=waiting');
    expect(api.status).toBe(200);
    const body = (await api.json()) as {
      queues: { name: string; readOnlyMode: boolean; jobs: { id: string }[] }[];
    };
    const shown = body.queues.find((entry) => entry.name === 'shown');
    expect(shown?.readOnlyMode).toBe(true);
    expect(shown?.jobs.map((job) => job.id)).toEqual(['on-the-board']);
  });
});
