/**
 * What running prompts as an OpenAI batch costs, next to node-llama-cpp generating them directly,
 * in one run: `llama-stack-ts run local` (the built command, the distribution's defaults, a fresh
 * LLAMA_STACK_TS_HOME, a private jobs key prefix on the Redis of REDIS_URL) in its own process,
 * and raw node-llama-cpp in this one with the settings the provider reports it loaded the model
 * with, on as many sequences.
 *
 * A round on the stack: upload `--prompts` chat requests as JSONL with POST /v1/files, create the
 * batch with POST /v1/batches, poll GET /v1/batches/{id} until it has completed; its tokens are the
 * sum of the output lines' `usage.completion_tokens`, its time from the upload to the poll that
 * saw it completed. It polls every `--poll-ms` (100): each poll is Redis reads and a response on the
 * event loop that also schedules llama.cpp's next decode, and at 20 ms the polling alone cost the
 * batch 6% (batch/http 0.93 -> 0.995 at 100 ms); a client of the Batch API polls every few
 * seconds. At most one interval is added to the batch's time. A round on raw: the same prompts
 * through `LlamaChat`, all started at once (each waits for a free sequence), timed until the last
 * ends. Greedy decoding and the same token budget on both sides, so both generate the same tokens
 * (the counts are printed).
 *
 * Raw and stack alternate round by round (which side goes first flips each round); the figure is
 * the median over the rounds of tokens/s stack / raw. Target >= 0.9.
 *
 * Where the time goes: each round also sends the same requests to the stack's POST
 * /v1/chat/completions (`http`), twice as many at once as the model has sequences: as on the raw
 * side, a request is already waiting when a sequence frees, instead of the sequence idling while
 * its client reads the answer and sends the next one (a round trip between two processes, which
 * on a loaded machine is what that figure measured more than the inference path). batch / http is
 * what the batch machinery costs (files, the job engine, parts, journals); http / raw what the
 * stack's inference path costs on its own.
 *
 *   pnpm --filter @llama-stack-ts/bench run batch
 *   pnpm --filter @llama-stack-ts/bench run batch -- --prompts 256 --tokens 64 --runs 5 --check
 *
 * `--cpu-prof <dir>` writes a V8 CPU profile of the stack's process there. `--check` exits 1 when
 * the figure misses its target. Needs Redis (REDIS_URL, default
 * redis://127.0.0.1:6379). Models: stories260K.gguf and synthetic/tiny-random-bert-embedder from
 * LLAMA_STACK_TS_TEST_MODELS (default ../shared/models).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteKeys } from '@llama-stack-ts/jobs';
import {
  cpuProfNodeFlags,
  cpuProfOption,
  integerFlags,
  parseBenchArgs,
  stackModelOptions,
  stackModelPaths,
} from '../bench-options.js';
import { formatSettings } from '../inference/llama-cpp-settings.js';
import { startLocalDistribution } from '../inference/local-distribution.js';
import { RawLlamaCpp } from '../inference/raw-llama-cpp.js';
import { llamaStackTsCli, requireBuiltCli } from '../llama-stack-ts-cli.js';
import { median } from '../median.js';

const values = parseBenchArgs({
  ...stackModelOptions,
  prompts: { type: 'string', default: '256' },
  tokens: { type: 'string', default: '128' },
  runs: { type: 'string', default: '5' },
  'poll-ms': { type: 'string', default: '100' },
  'timeout-ms': { type: 'string', default: '600000' },
  ...cpuProfOption,
  check: { type: 'boolean', default: false },
});
const {
  prompts: promptCount,
  tokens: maxTokens,
  runs,
  'poll-ms': pollMs,
} = integerFlags({
  prompts: values.prompts,
  tokens: values.tokens,
  runs: values.runs,
  'poll-ms': values['poll-ms'],
});
const timeoutMs = Number(values['timeout-ms']);
const { modelPath, embeddingModel } = stackModelPaths(values);
requireBuiltCli('batch');

const target = 0.9;
const prompts = Array.from({ length: promptCount }, (_, index) => `Story ${index}: once upon a time,`);

interface Run {
  tokens: number;
  ms: number;
}
type Side = 'raw' | 'stack' | 'http';

const jobsPrefix = `llama-stack-ts-bench:${randomUUID().slice(0, 12)}`;
await using stack = await startLocalDistribution({
  model: modelPath,
  embeddingModel,
  timeoutMs,
  env: { LLAMA_STACK_TS_JOBS_PREFIX: jobsPrefix },
  nodeFlags: cpuProfNodeFlags(values['cpu-prof']),
});
await using raw = await RawLlamaCpp.open(stack.settings);
/** Requests the http side keeps in flight: one generating on each sequence and one waiting for it. */
const httpClients = 2 * stack.settings.sequences;
// The batches' jobs, under the private prefix, leave with the run.
await using _keys = {
  [Symbol.asyncDispose]: () => deleteKeys(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', jobsPrefix),
};

console.log(
  `stack: node ${llamaStackTsCli} run local (pid ${stack.pid}, ${stack.url}, model '${stack.modelId}', jobs prefix ${jobsPrefix})\n` +
    `raw:   node-llama-cpp in this process (pid ${process.pid})\n` +
    `both:  ${stack.settings.modelPath}\n       ${formatSettings(stack.settings)}\n` +
    `greedy, ${promptCount} chat prompts of up to ${maxTokens} tokens per round; ${runs} alternating rounds (+1 warm-up)\n` +
    `http: ${httpClients} requests in flight (the stack's max_queue must hold ${httpClients - stack.settings.sequences} waiting)\n`,
);

const run: Record<Side, () => Promise<Run>> = { raw: runRaw, stack: runStackBatch, http: runStackHttp };
const results: Record<Side, Run[]> = { raw: [], stack: [], http: [] };
for (const side of ['raw', 'stack', 'http'] as const) await run[side]();
for (let round = 0; round < runs; round++) {
  const order: Side[] = round % 2 === 0 ? ['raw', 'stack', 'http'] : ['http', 'stack', 'raw'];
  for (const side of order) results[side].push(await run[side]());
  const last = (side: Side) => results[side].at(-1) as Run;
  const shown = (['stack', 'http', 'raw'] as const).map((side) => last(side));
  console.log(
    `  round ${round + 1}: ${shown.map((side) => tokensPerSecond(side).toFixed(0)).join(' / ')} tok/s, ` +
      `${shown.map((side) => side.tokens).join(' / ')} tokens in ${shown.map((side) => (side.ms / 1000).toFixed(2)).join(' / ')} s (batch / http / raw)`,
  );
}
const medianRatio = (top: Side, bottom: Side) =>
  median(
    results[top].map((one, index) => tokensPerSecond(one) / tokensPerSecond(results[bottom][index] as Run)),
  );
const ratio = medianRatio('stack', 'raw');
const sameTokens = (['stack', 'http'] as const).every((side) =>
  results[side].every((one, index) => one.tokens === results.raw[index]?.tokens),
);
console.log(
  `\nbatch of ${promptCount} prompts, stack/raw tokens/s: ${ratio.toFixed(3)} ${ratio >= target ? 'ok' : 'MISSED'}` +
    `  (target >= ${target}; median over ${runs} rounds of each round's ratio)` +
    `\nwhere the time goes: batch/http ${medianRatio('stack', 'http').toFixed(3)} (files, jobs, parts), ` +
    `http/raw ${medianRatio('http', 'raw').toFixed(3)} (the stack's inference path)` +
    `${sameTokens ? '' : '\ntokens generated DIFFER between the sides (see the rounds)'}`,
);
if (values.check && ratio < target) process.exitCode = 1;

function tokensPerSecond({ tokens, ms }: Run): number {
  return tokens / (ms / 1000);
}

async function runRaw(): Promise<Run> {
  const started = performance.now();
  const streams = await Promise.all(prompts.map((prompt) => raw.chat(prompt, maxTokens)));
  return { tokens: streams.reduce((sum, stream) => sum + stream.tokens, 0), ms: performance.now() - started };
}

function chatBody(prompt: string) {
  return {
    model: stack.modelId,
    messages: [{ role: 'user', content: prompt }],
    max_tokens: maxTokens,
    temperature: 0,
  };
}

async function runStackHttp(): Promise<Run> {
  const started = performance.now();
  let next = 0;
  let tokens = 0;
  const client = async () => {
    while (next < prompts.length) {
      const prompt = prompts[next++] as string;
      const answer = await call<{ usage: { completion_tokens: number } }>(
        'POST',
        '/v1/chat/completions',
        chatBody(prompt),
      );
      tokens += answer.usage.completion_tokens;
    }
  };
  await Promise.all(Array.from({ length: httpClients }, client));
  return { tokens, ms: performance.now() - started };
}

async function runStackBatch(): Promise<Run> {
  const requests = prompts.map((prompt, index) =>
    JSON.stringify({
      custom_id: `prompt-${index}`,
      method: 'POST',
      url: '/v1/chat/completions',
      body: chatBody(prompt),
    }),
  );
  const started = performance.now();
  const form = new FormData();
  form.append('purpose', 'batch');
  form.append(
    'file',
    new Blob([`${requests.join('\n')}\n`], { type: 'application/jsonl' }),
    'requests.jsonl',
  );
  const file = await call<{ id: string }>('POST', '/v1/files', form);
  const created = await call<{ id: string }>('POST', '/v1/batches', {
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const batch = await call<{ status: string; output_file_id: string | null; errors?: unknown }>(
      'GET',
      `/v1/batches/${created.id}`,
    );
    if (batch.status === 'completed') {
      const ms = performance.now() - started;
      const output = await fetch(`${stack.url}/v1/files/${batch.output_file_id}/content`);
      const lines = (await output.text()).split('\n').filter((line) => line !== '');
      if (lines.length !== promptCount)
        throw new Error(`batch ${created.id} answered ${lines.length} of ${promptCount} prompts`);
      const tokens = lines
        .map((line) => JSON.parse(line) as { response: { body: { usage: { completion_tokens: number } } } })
        .reduce((sum, line) => sum + line.response.body.usage.completion_tokens, 0);
      return { tokens, ms };
    }
    if (['failed', 'expired', 'cancelled'].includes(batch.status) || performance.now() > deadline)
      throw new Error(`batch ${created.id} ended ${batch.status}: ${JSON.stringify(batch)}`);
    await sleep(pollMs);
  }
}

async function call<T>(method: string, path: string, body?: FormData | object): Promise<T> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    ...(body instanceof FormData
      ? { body }
      : body
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
