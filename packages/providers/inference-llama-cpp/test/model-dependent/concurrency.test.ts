import { CompletionRequest, OverloadedError, StackError } from '@llama-stack-ts/core';
import { expect, it, vi } from 'vitest';
import { collect, describeWithModels, startProvider, testModel, testModels } from '../test-models.js';

// Random weights rarely end a turn: a generation with max_tokens 0 runs to the end of its context.
// 32768 tokens take it about a minute on 2 idle cores (4096 took 6.6 s), longer than the 30 s waits
// below, so a sequence back within a wait was freed by the abort; under load both stretch alike.
const contextSize = 32_768;
const long = CompletionRequest.parse({ model: 'random', content: 'Hello', stream: true });
const short = CompletionRequest.parse({ model: 'random', content: 'Hello', max_tokens: 4 });

describeWithModels('concurrency (parallel sequences, bounded queue, abort)', [testModels.tinyRandom], () => {
  it('serves parallel_sequences requests at once, queues max_queue more, refuses the next with 429', async () => {
    await using provider = await startProvider({ gpu: 'cpu', parallel_sequences: 2, max_queue: 1 }, [
      testModel('random', testModels.tinyRandom, { metadata: { context_size: contextSize } }),
    ]);
    const pool = provider.inference.modelPool;
    const first = new AbortController();
    const second = new AbortController();
    const streams = [
      provider.inference.streamCompletion(long, { signal: first.signal }),
      provider.inference.streamCompletion(long, { signal: second.signal }),
    ];
    const queued = provider.inference.completion(short);
    expect(pool.stats('random')).toMatchObject({ active: 2, waiting: 1 });

    const refused = await provider.inference.completion(short).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OverloadedError);
    expect(StackError.isInstance(refused) && refused.status).toBe(429);
    expect((refused as Error).message).toMatch(/^Model is overloaded/);

    // A client that goes away frees its sequence at once: the queued request runs.
    first.abort(new Error('client disconnected'));
    await expect(queued).resolves.toMatchObject({ usage: { completion_tokens: 4 } });
    await expect(collect(streams[0] as AsyncIterable<unknown>)).rejects.toThrow('client disconnected');
    second.abort(new Error('client disconnected'));
    await expect(collect(streams[1] as AsyncIterable<unknown>)).rejects.toThrow('client disconnected');
    await vi.waitFor(() => expect(pool.stats('random').active).toBe(0), { timeout: 30_000 });
  });

  it('stops generating when the consumer stops reading the stream', async () => {
    await using provider = await startProvider({ gpu: 'cpu', parallel_sequences: 1, max_queue: 0 }, [
      testModel('random', testModels.tinyRandom, { metadata: { context_size: contextSize } }),
    ]);
    const pool = provider.inference.modelPool;
    let received = 0;
    for await (const chunk of provider.inference.streamCompletion(long)) {
      received += chunk.text_delta.length;
      if (received > 0) break;
    }
    await vi.waitFor(() => expect(pool.stats('random').active).toBe(0), { timeout: 30_000 });
    // The single sequence is free again: a new request is served, not refused.
    await expect(provider.inference.completion(short)).resolves.toMatchObject({ stop_reason: 'max_tokens' });
  });

  it('leaves the queue when a waiting request is aborted', async () => {
    await using provider = await startProvider({ gpu: 'cpu', parallel_sequences: 1, max_queue: 1 }, [
      testModel('random', testModels.tinyRandom, { metadata: { context_size: contextSize } }),
    ]);
    const pool = provider.inference.modelPool;
    const running = new AbortController();
    const stream = provider.inference.streamCompletion(long, { signal: running.signal });
    const waiting = new AbortController();
    const queued = provider.inference.completion(short, { signal: waiting.signal });
    expect(pool.stats('random')).toMatchObject({ active: 1, waiting: 1 });
    waiting.abort(new Error('gave up waiting'));
    await expect(queued).rejects.toThrow('gave up waiting');
    expect(pool.stats('random')).toMatchObject({ active: 1, waiting: 0 });
    running.abort(new Error('done'));
    await expect(collect(stream)).rejects.toThrow('done');
  });
});
