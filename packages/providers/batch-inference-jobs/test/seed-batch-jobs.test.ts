import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BatchInferenceJob, SubmitBatchInferenceJobRequestInput } from '@llama-stack-ts/core';
import { parseRequest, SubmitBatchInferenceJobRequest } from '@llama-stack-ts/core';
import { stackErrorOf } from '@llama-stack-ts/provider-utils/test';
import { describe, expect, it } from 'vitest';
import { startBatches } from './support/start-batches.js';

const prompt = (text: string) => JSON.stringify([{ role: 'user', content: text }]);
const jsonl = (lines: readonly string[]) => `${lines.join('\n')}\n`;
const submitRequest = (input: SubmitBatchInferenceJobRequestInput) =>
  parseRequest(SubmitBatchInferenceJobRequest, input);
const readJsonl = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('seed batch jobs (inline::jobs) on a real Redis', () => {
  it('answers every prompt in prompt order, a malformed line in the error file, progress by line', async () => {
    await using started = await startBatches({ lines_per_part: 3, parallel_lines: 2 });
    const lines = [
      prompt('one'),
      '',
      prompt('two'),
      '{"not": "a list"}',
      prompt('four'),
      prompt('five'),
      'not json at all',
      prompt('seven'),
    ];
    const job = await started.batches.submitJob(
      submitRequest({
        model: 'tiny',
        prompt_file_path: { type: 'raw_bytes', value: jsonl(lines) },
        num_generations: 2,
      }),
    );
    expect(job.status).toBe('validating');
    expect(job.metadata).toMatchObject({ model: 'tiny', lines: { total: 7, done: 0 } });

    await started.startWorker();
    let status: BatchInferenceJob = job;
    await expect
      .poll(async () => {
        status = await started.batches.getJobStatus({ job_id: job.job_id });
        return status.status;
      })
      .toBe('completed');
    expect(status.metadata).toMatchObject({ lines: { total: 7, done: 7, succeeded: 5, failed: 2 } });

    const output = await readJsonl(status.success_file_path?.value as string);
    expect(output.map((record) => record.line)).toEqual([1, 3, 5, 6, 8]);
    expect(output[0]).toMatchObject({
      line: 1,
      generations: [
        { content: 'echo: one', stop_reason: 'finished_ok' },
        { content: 'echo: one', stop_reason: 'finished_ok' },
      ],
    });
    const errors = await readJsonl(status.error_file_path?.value as string);
    expect(errors).toEqual([
      {
        line: 4,
        error: { code: 'invalid_request', message: expect.stringContaining('line 4'), field: 'line 4' },
        input: '{"not": "a list"}',
      },
      {
        line: 7,
        error: { code: 'invalid_request', message: expect.stringContaining('is not JSON'), field: 'line 7' },
        input: 'not json at all',
      },
    ]);
    // Five good prompts, two generations each.
    expect(started.inference.calls).toHaveLength(10);
  });

  it('keeps parallel_lines calls running across parts and never more (continuous batching)', async () => {
    await using started = await startBatches({ lines_per_part: 5, parallel_lines: 3 });
    started.inference.delayMs = 50;
    const lines = Array.from({ length: 20 }, (_, index) => prompt(`p${index}`));
    const job = await started.batches.submitJob(
      submitRequest({ model: 'tiny', prompt_file_path: { type: 'raw_bytes', value: jsonl(lines) } }),
    );
    await started.startWorker();
    await expect
      .poll(async () => (await started.batches.getJobStatus({ job_id: job.job_id })).status, {
        timeout: 30_000,
      })
      .toBe('completed');
    expect(started.inference.maxActive).toBe(3);
    expect([...started.inference.calls].sort()).toEqual(lines.map((_, index) => `p${index}`).sort());
  });

  it('resumes a part whose worker shut down mid-way on another worker: each prompt once in the output', async () => {
    await using started = await startBatches({ lines_per_part: 10, parallel_lines: 2 });
    started.inference.delayMs = 100;
    const lines = Array.from({ length: 10 }, (_, index) => prompt(`r${index}`));
    const job = await started.batches.submitJob(
      submitRequest({ model: 'tiny', prompt_file_path: { type: 'raw_bytes', value: jsonl(lines) } }),
    );
    const first = await started.startWorker({ shutdownTimeoutMs: 50 });
    await expect
      .poll(
        async () =>
          ((await started.batches.getJobStatus({ job_id: job.job_id })).metadata.lines as { done: number })
            .done,
      )
      .toBeGreaterThanOrEqual(3);
    // Past its shutdown timeout the part is aborted and handed back; its journal keeps the lines done.
    await first.closeWorkers();
    const doneBefore = new Set(started.inference.calls);
    await started.startWorker();
    await expect
      .poll(async () => (await started.batches.getJobStatus({ job_id: job.job_id })).status, {
        timeout: 30_000,
      })
      .toBe('completed');
    const status = await started.batches.getJobStatus({ job_id: job.job_id });
    const output = await readJsonl(status.success_file_path?.value as string);
    expect(output.map((record) => record.line)).toEqual(lines.map((_, index) => index + 1));
    // Only the lines in flight at the shutdown ran twice.
    expect(started.inference.calls.length).toBeLessThanOrEqual(lines.length + 2);
    expect(doneBefore.size).toBeGreaterThanOrEqual(3);
  });

  it('answers 404 for an unknown model and 400 for an embedding model, before anything is queued', async () => {
    await using started = await startBatches();
    const prompts = { type: 'raw_bytes' as const, value: jsonl([prompt('x')]) };
    const unknown = await stackErrorOf(
      started.batches.submitJob(submitRequest({ model: 'nope', prompt_file_path: prompts })),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.message).toContain("'nope'");
    const embedding = await stackErrorOf(
      started.batches.submitJob(submitRequest({ model: 'tiny-embed', prompt_file_path: prompts })),
    );
    expect(embedding.status).toBe(400);
    expect(embedding.field).toBe('model');
  });

  it('reads a file path or file:// URI inside url_fetch.file_roots: 400 missing, 403 outside, 413 too large', async () => {
    await using started = await startBatches({ max_input_bytes: 64 });
    const inside = join(started.filesDir, 'prompts.jsonl');
    await writeFile(inside, jsonl([prompt('a')]));
    const submit = (prompt_file_path: SubmitBatchInferenceJobRequestInput['prompt_file_path']) =>
      started.batches.submitJob(submitRequest({ model: 'tiny', prompt_file_path }));

    expect((await submit({ type: 'filepath', value: inside })).status).toBe('validating');
    expect((await submit({ type: 'uri', value: pathToFileURL(inside).href })).status).toBe('validating');

    const missing = await stackErrorOf(
      submit({ type: 'filepath', value: join(started.filesDir, 'nope.jsonl') }),
    );
    expect([missing.status, missing.field]).toEqual([400, 'prompt_file_path.value']);
    const outside = await stackErrorOf(
      submit({ type: 'filepath', value: join(started.dataDir, '..', 'x.jsonl') }),
    );
    expect(outside.status).toBe(403);
    expect(outside.message).toContain('url_fetch.file_roots');
    const relative = await stackErrorOf(submit({ type: 'filepath', value: 'prompts.jsonl' }));
    expect([relative.status, relative.field]).toEqual([400, 'prompt_file_path.value']);

    await writeFile(inside, jsonl(Array.from({ length: 10 }, () => prompt('too many bytes'))));
    const tooLarge = await stackErrorOf(submit({ type: 'filepath', value: inside }));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.message).toContain('max_input_bytes');
    const rawTooLarge = await stackErrorOf(submit({ type: 'raw_bytes', value: 'x'.repeat(65) }));
    expect(rawTooLarge.status).toBe(413);
    const blank = await stackErrorOf(submit({ type: 'raw_bytes', value: '\n\n' }));
    expect([blank.status, blank.field]).toEqual([400, 'prompt_file_path']);
  });

  it('answers 404 for a job id it does not know', async () => {
    await using started = await startBatches();
    const error = await stackErrorOf(started.batches.getJobStatus({ job_id: 'missing' }));
    expect(error.status).toBe(404);
  });
});
