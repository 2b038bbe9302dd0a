import OpenAI, { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import { expect } from 'vitest';
import type { RunningDistribution } from './cli-process.js';

// OpenAI batches through the official `openai` client, for the e2e suites on `llama-stack-ts run local`.

/** A line of a batch's output or error file. */
export interface OutputLine {
  id: string;
  custom_id: string | null;
  response: { status_code: number; body: { choices?: { message: { content: string } }[] } } | null;
  error: { code: string; message: string } | null;
}

export const model = 'llama3.2-1b-instruct';
export const jsonl = (lines: readonly string[]) => `${lines.join('\n')}\n`;
export const chatLine = (customId: string, content: string, maxTokens = 8) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model, messages: [{ role: 'user', content }], max_tokens: maxTokens, temperature: 0 },
  });
export const parseJsonl = <T>(text: string): T[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);

export function openAiClient(distribution: RunningDistribution): OpenAI {
  return new OpenAI({ baseURL: `${distribution.url}/v1`, apiKey: 'unused', maxRetries: 0 });
}

export async function apiErrorOf(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with an APIError');
}

/** Polls the batch until `done` holds for it; answers the batch then. */
export async function pollBatch(
  client: OpenAI,
  id: string,
  done: (batch: Batch) => boolean,
  timeout = 60_000,
) {
  let batch: Batch | undefined;
  await expect
    .poll(
      async () => {
        batch = await client.batches.retrieve(id);
        return done(batch);
      },
      { timeout, interval: 100 },
    )
    .toBe(true);
  return batch as Batch;
}

export async function outputLines(client: OpenAI, fileId: string | null | undefined): Promise<OutputLine[]> {
  if (!fileId) return [];
  return parseJsonl<OutputLine>(await (await client.files.content(fileId)).text());
}

export async function uploadRequests(client: OpenAI, lines: readonly string[]) {
  return client.files.create({
    file: await toFile(Buffer.from(jsonl(lines)), 'requests.jsonl', { type: 'application/jsonl' }),
    purpose: 'batch',
  });
}
