import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { requestId } from '../request-id/index.js';
import { accessLog } from './index.js';

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ base: undefined }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('accessLog', () => {
  it('writes one line per request with method, path, status, ms and request id', async () => {
    const { logger, lines } = capturedLogger();
    const app = new Hono();
    app.use(requestId(), accessLog({ logger }));
    app.post('/things/create', (c) => c.json({ ok: true }, 201));

    await app.request('/things/create?secret=no', { method: 'POST', headers: { 'X-Request-Id': 'req-1' } });

    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 30,
      msg: 'request',
      method: 'POST',
      path: '/things/create',
      status: 201,
      request_id: 'req-1',
    });
    expect(typeof line?.ms).toBe('number');
  });

  it('logs 4xx as warn and 5xx as error', async () => {
    const { logger, lines } = capturedLogger();
    const app = new Hono();
    app.use(requestId(), accessLog({ logger }));
    app.get('/missing', (c) => c.json({}, 404));
    app.get('/broken', (c) => c.json({}, 503));

    await app.request('/missing');
    await app.request('/broken');

    expect(lines.map((line) => [line.status, line.level])).toEqual([
      [404, 40],
      [503, 50],
    ]);
  });

  it('never logs the Authorization header or the body', async () => {
    const { logger, lines } = capturedLogger();
    const app = new Hono();
    app.use(requestId(), accessLog({ logger }));
    app.post('/', (c) => c.text('ok'));

    await app.request('/', {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-very-secret' },
      body: 'my private prompt',
    });

    const written = JSON.stringify(lines);
    expect(written).not.toContain('sk-very-secret');
    expect(written).not.toContain('private prompt');
    expect(lines).toHaveLength(1);
  });
});
