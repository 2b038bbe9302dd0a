import { text } from 'node:stream/consumers';
import type { Batch, CreateBatchRequestInput } from '@llama-stack-ts/core';
import { CreateBatchRequest, parseRequest, uploadedFile } from '@llama-stack-ts/core';
import { stackErrorOf } from '@llama-stack-ts/provider-utils/test';
import { describe, expect, it } from 'vitest';
import { type StartedBatches, startBatches } from './support/start-batches.js';

type OutputLine = {
  id: string;
  custom_id: string | null;
  response: { status_code: number; request_id: string; body: Record<string, unknown> } | null;
  error: { code: string; message: string } | null;
};

const chat = (customId: string, content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'tiny', messages: [{ role: 'user', content }], ...extra },
  });

async function upload(
  started: StartedBatches,
  lines: readonly string[],
  purpose: 'batch' | 'user_data' = 'batch',
) {
  return started.files.uploadFile({ file: uploadedFile('requests.jsonl', `${lines.join('\n')}\n`), purpose });
}

async function create(
  started: StartedBatches,
  input: Partial<CreateBatchRequestInput> & { input_file_id: string },
) {
  return started.batches.createBatch(
    parseRequest(CreateBatchRequest, {
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      ...input,
    }),
  );
}

async function untilStatus(
  started: StartedBatches,
  id: string,
  statuses: readonly Batch['status'][],
): Promise<Batch> {
  let batch: Batch | undefined;
  await expect
    .poll(
      async () => {
        batch = await started.batches.retrieveBatch({ batch_id: id });
        return statuses.includes(batch.status);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return batch as Batch;
}

async function readLines(started: StartedBatches, fileId: string | null): Promise<OutputLine[]> {
  if (!fileId) return [];
  const content = await started.files.retrieveFileContent({ file_id: fileId });
  return (await text(content.stream))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutputLine);
}

describe("OpenAI's batches (inline::jobs) on a real Redis and the real files provider", () => {
  it('runs the good lines, and makes every bad one its own error: each custom_id once across the files', async () => {
    await using started = await startBatches({ lines_per_part: 3, parallel_lines: 2 });
    const file = await upload(started, [
      chat('a', 'one'),
      chat('b', 'two'),
      '{"custom_id": "broken", ',
      chat('a', 'duplicate'),
      JSON.stringify({ custom_id: 'c', method: 'POST', url: '/v1/completions', body: { model: 'tiny' } }),
      chat('d', 'four', { temperature: 5 }),
      chat('e', 'five', { model: 'nope' }),
      '',
      chat('f', 'six', { n: 2 }),
    ]);
    const created = await create(started, { input_file_id: file.id, metadata: { project: 'unit' } });
    expect(created).toMatchObject({
      object: 'batch',
      status: 'validating',
      endpoint: '/v1/chat/completions',
      input_file_id: file.id,
      metadata: { project: 'unit' },
      model: 'tiny',
      request_counts: { total: 8, completed: 0, failed: 0 },
      output_file_id: null,
    });
    expect(created.id).toMatch(/^batch_/);
    expect(created.expires_at).toBe(created.created_at + 86_400);
    expect(created.errors?.data.map((error) => [error.line, error.code, error.param])).toEqual([
      [3, 'invalid_json_line', null],
      [4, 'duplicate_custom_id', 'custom_id'],
      [5, 'invalid_url', 'url'],
    ]);

    await started.startWorker();
    const batch = await untilStatus(started, created.id, ['completed']);
    expect(batch.request_counts).toEqual({ total: 8, completed: 3, failed: 5 });
    expect(batch.in_progress_at).toEqual(expect.any(Number));
    expect(batch.finalizing_at).toEqual(expect.any(Number));
    expect(batch.completed_at).toEqual(expect.any(Number));

    const output = await readLines(started, batch.output_file_id);
    expect(output.map((line) => line.custom_id)).toEqual(['a', 'b', 'f']);
    expect(output[0]).toMatchObject({
      id: expect.stringMatching(/^batch_req_/),
      error: null,
      response: {
        status_code: 200,
        request_id: expect.stringMatching(/^req_/),
        body: {
          object: 'chat.completion',
          model: 'tiny',
          choices: [
            { index: 0, message: { role: 'assistant', content: 'echo: one' }, finish_reason: 'stop' },
          ],
        },
      },
    });
    expect(output[2]?.response?.body.choices).toHaveLength(2);

    const errors = await readLines(started, batch.error_file_id);
    expect(errors.map((line) => [line.custom_id, line.error?.code ?? line.response?.status_code])).toEqual([
      [null, 'invalid_json_line'],
      ['a', 'duplicate_custom_id'],
      ['c', 'invalid_url'],
      ['d', 400],
      ['e', 404],
    ]);
    expect(errors[3]?.response?.body).toMatchObject({
      error: { param: 'temperature', type: 'invalid_request_error' },
    });
    expect(errors[4]?.response?.body).toMatchObject({ error: { code: 'model_not_found' } });
    expect(started.inference.calls).toEqual(expect.arrayContaining(['one', 'two', 'six', 'six']));
    expect(started.inference.calls).toHaveLength(4);
  });

  it('runs /v1/completions and /v1/embeddings lines through the same conversions', async () => {
    await using started = await startBatches();
    await started.startWorker();
    const completions = await upload(started, [
      JSON.stringify({
        custom_id: 'x',
        method: 'POST',
        url: '/v1/completions',
        body: { model: 'tiny', prompt: 'Once' },
      }),
    ]);
    const embeddings = await upload(started, [
      JSON.stringify({
        custom_id: 'y',
        method: 'POST',
        url: '/v1/embeddings',
        body: { model: 'tiny-embed', input: ['ab', 'abc'], encoding_format: 'float' },
      }),
    ]);
    const first = await create(started, { input_file_id: completions.id, endpoint: '/v1/completions' });
    const second = await create(started, { input_file_id: embeddings.id, endpoint: '/v1/embeddings' });
    const [completed, embedded] = await Promise.all([
      untilStatus(started, first.id, ['completed']),
      untilStatus(started, second.id, ['completed']),
    ]);
    expect((await readLines(started, completed.output_file_id))[0]?.response?.body).toMatchObject({
      object: 'text_completion',
      choices: [{ text: ' after Once', finish_reason: 'length' }],
    });
    expect((await readLines(started, embedded.output_file_id))[0]?.response?.body).toMatchObject({
      object: 'list',
      data: [
        { index: 0, embedding: [2, 1] },
        { index: 1, embedding: [3, 1] },
      ],
    });
  });

  it('cancels within a second: cancelling, then cancelled with the lines it finished, each once', async () => {
    await using started = await startBatches({ lines_per_part: 4, parallel_lines: 2 });
    started.inference.delayMs = 200;
    const file = await upload(
      started,
      Array.from({ length: 40 }, (_, index) => chat(`q${index}`, `question ${index}`)),
    );
    const created = await create(started, { input_file_id: file.id });
    await started.startWorker();
    await expect
      .poll(
        async () => (await started.batches.retrieveBatch({ batch_id: created.id })).request_counts.completed,
      )
      .toBeGreaterThanOrEqual(3);

    const cancelling = await started.batches.cancelBatch({ batch_id: created.id });
    expect(cancelling.status).toBe('cancelling');
    expect(cancelling.cancelling_at).toEqual(expect.any(Number));
    const callsAtCancel = started.inference.calls.length;
    // The calls running were aborted; at most the slots' worth started while the cancel travelled.
    await expect.poll(() => started.inference.active, { timeout: 5_000 }).toBe(0);
    const cancelled = await untilStatus(started, created.id, ['cancelled']);
    expect(started.inference.calls.length).toBeLessThanOrEqual(callsAtCancel + 2);

    const output = await readLines(started, cancelled.output_file_id);
    const ids = output.map((line) => line.custom_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(cancelled.request_counts.completed);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(ids.length).toBeLessThan(40);
    expect(cancelled.cancelled_at).toEqual(expect.any(Number));

    const again = await started.batches.cancelBatch({ batch_id: created.id });
    expect(again.status).toBe('cancelled');
  });

  it('answers 409 for cancelling a batch that ended', async () => {
    await using started = await startBatches();
    await started.startWorker();
    const created = await create(started, { input_file_id: (await upload(started, [chat('a', 'x')])).id });
    await untilStatus(started, created.id, ['completed']);
    const error = await stackErrorOf(started.batches.cancelBatch({ batch_id: created.id }));
    expect(error.status).toBe(409);
  });

  it('makes the lines that had not started when the completion window closed batch_expired errors', async () => {
    await using started = await startBatches();
    const file = await upload(started, [chat('a', 'late'), chat('b', 'later')]);
    const created = await create(started, { input_file_id: file.id });
    started.clock.offset = 86_400 + 1;
    await started.startWorker();
    const expired = await untilStatus(started, created.id, ['expired']);
    expect(expired.expired_at).toEqual(expect.any(Number));
    expect(expired.request_counts).toEqual({ total: 2, completed: 0, failed: 2 });
    expect((await readLines(started, expired.error_file_id)).map((line) => line.error?.code)).toEqual([
      'batch_expired',
      'batch_expired',
    ]);
    expect(started.inference.calls).toEqual([]);
  });

  it('answers 404 for an unknown input file, 400 for a file not for batches or with no requests, 413 over the limit', async () => {
    await using started = await startBatches({ max_input_bytes: 200 });
    const unknown = await stackErrorOf(create(started, { input_file_id: 'file-nope' }));
    expect(unknown.status).toBe(404);
    expect(unknown.message).toContain('file-nope');

    const userData = await upload(started, [chat('a', 'x')], 'user_data');
    const wrongPurpose = await stackErrorOf(create(started, { input_file_id: userData.id }));
    expect([wrongPurpose.status, wrongPurpose.field]).toEqual([400, 'input_file_id']);

    const blank = await upload(started, ['', ' ']);
    const empty = await stackErrorOf(create(started, { input_file_id: blank.id }));
    expect([empty.status, empty.field]).toEqual([400, 'input_file_id']);

    const large = await upload(
      started,
      Array.from({ length: 5 }, (_, index) => chat(`l${index}`, 'long enough')),
    );
    expect((await stackErrorOf(create(started, { input_file_id: large.id }))).status).toBe(413);
    expect((await stackErrorOf(started.batches.retrieveBatch({ batch_id: 'batch_nope' }))).status).toBe(404);
  });

  it('lists batches newest first, a page at a time', async () => {
    await using started = await startBatches();
    const file = await upload(started, [chat('a', 'x')]);
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) ids.push((await create(started, { input_file_id: file.id })).id);
    const first = await started.batches.listBatches({ limit: 2 });
    expect(first.data.map((batch) => batch.id)).toEqual([ids[2], ids[1]]);
    expect([first.first_id, first.last_id, first.has_more]).toEqual([ids[2], ids[1], true]);
    const second = await started.batches.listBatches({ limit: 2, after: first.last_id as string });
    expect(second.data.map((batch) => batch.id)).toEqual([ids[0]]);
    expect(second.has_more).toBe(false);
  });
});
