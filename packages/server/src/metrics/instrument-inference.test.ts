import { ChatCompletionRequest, CompletionRequest } from '@llama-stack-ts/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { scriptedStack } from '../test-support/scripted-inference.js';
import { createMetricsRoutes } from './create-metrics-routes.js';
import { instrumentInference } from './instrument-inference.js';
import { metricsMiddleware } from './metrics-middleware.js';
import { StackMetrics } from './stack-metrics.js';

async function value(
  metrics: StackMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  const sample = metric?.values.find((entry) =>
    Object.entries(labels).every(([key, expected]) => String(entry.labels[key]) === expected),
  );
  return sample?.value;
}

describe('instrumentInference', () => {
  it('counts calls, tokens and the in-flight depth while a stream is read', async () => {
    const metrics = new StackMetrics({ collectDefaultMetrics: false });
    const inference = instrumentInference(scriptedStack().apis.inference as never, metrics);
    const request = CompletionRequest.parse({ model: 'tiny-llm', content: 'x' });

    const iterator = inference.streamCompletion(request)[Symbol.asyncIterator]();
    await iterator.next();
    expect(
      await value(metrics, 'llama_stack_inference_queue_depth', { operation: 'stream_completion' }),
    ).toBe(1);
    while (!(await iterator.next()).done) {
      // read to the end
    }
    expect(
      await value(metrics, 'llama_stack_inference_queue_depth', { operation: 'stream_completion' }),
    ).toBe(0);
    expect(await value(metrics, 'llama_stack_inference_generated_tokens_total', { model: 'tiny-llm' })).toBe(
      3,
    );
    expect(await value(metrics, 'llama_stack_inference_prompt_tokens_total', { model: 'tiny-llm' })).toBe(5);
    expect(
      await value(metrics, 'llama_stack_inference_time_to_first_token_seconds', {
        model: 'tiny-llm',
        le: '+Inf',
      }),
    ).toBe(1);
    expect(
      await value(metrics, 'llama_stack_inference_time_per_output_token_seconds', {
        model: 'tiny-llm',
        le: '+Inf',
      }),
    ).toBe(2);
    expect(
      await value(metrics, 'llama_stack_inference_requests_total', {
        operation: 'stream_completion',
        model: 'tiny-llm',
        outcome: 'ok',
      }),
    ).toBe(1);
  });

  it("labels an abandoned stream 'cancelled' and a failed call by its error code, never by an unknown model", async () => {
    const metrics = new StackMetrics({ collectDefaultMetrics: false });
    const inference = instrumentInference(scriptedStack().apis.inference as never, metrics);
    const iterator = inference
      .streamChatCompletion(
        ChatCompletionRequest.parse({ model: 'tiny-llm', messages: [{ role: 'user', content: 'x' }] }),
      )
      [Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.();
    await expect(
      inference.chatCompletion(
        ChatCompletionRequest.parse({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
      ),
    ).rejects.toThrow(/Unknown model/);
    const text = await metrics.render();
    expect(text).toContain(
      'llama_stack_inference_requests_total{operation="stream_chat_completion",model="tiny-llm",outcome="cancelled"} 1',
    );
    expect(text).toContain(
      'llama_stack_inference_requests_total{operation="chat_completion",model="unknown",outcome="not_found"} 1',
    );
    expect(text).not.toContain('no-such-model');
  });
});

describe('metricsMiddleware and GET /metrics', () => {
  it('counts requests by route pattern and status, and serves the Prometheus text', async () => {
    const metrics = new StackMetrics();
    const app = new Hono();
    app.use(metricsMiddleware(metrics));
    app.route('/', createMetricsRoutes(metrics));
    app.get('/items/:id', (c) => c.text(c.req.param('id')));
    await app.request('/items/1');
    await app.request('/items/2');
    await app.request('/nowhere');
    const response = await app.request('/metrics');
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('llama_stack_http_requests_total{method="GET",route="/items/:id",status="200"} 2');
    expect(text).toContain('llama_stack_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('# TYPE llama_stack_http_request_duration_seconds histogram');
    expect(text).toContain('llama_stack_process_cpu_seconds_total');
  });
});
