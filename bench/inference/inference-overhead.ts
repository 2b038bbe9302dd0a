/**
 * What serving a GGUF through the stack costs, next to node-llama-cpp driven directly, in one
 * process run, on the same model file, context settings and thread count:
 *
 *   1. streamed tokens per second of one request over HTTP (SSE from `/inference/completion`,
 *      server in-process through `startStackServer`, real loopback socket) / raw node-llama-cpp
 *      (`LlamaCompletion` on a sequence of the same kind of context). Target >= 0.95.
 *   2. time to first token, median over the runs: stack minus raw, in ms. Target < 5 ms.
 *   3. aggregate tokens per second of 8 concurrent streams / raw with 8 parallel sequences.
 *      Target >= 0.9.
 *
 * Raw and stack runs are interleaved (raw, stack, raw, stack…) so machine noise hits both alike;
 * each figure is the median over the runs. Greedy sampling, no repetition penalty on both sides, so
 * both generate the same tokens.
 *
 *   pnpm --filter @llama-stack-ts/bench run inference
 *   pnpm --filter @llama-stack-ts/bench run inference -- --model /path/model.gguf --threads 4 --tokens 512 --runs 9 --check
 *
 * `--check` exits 1 when a ratio misses its target. Env: LLAMA_STACK_TS_TEST_MODELS (default
 * ../shared/models from the repository root) for the default model, stories260K.gguf.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { llamaCppProviderSpec } from '@llama-stack-ts/provider-inference-llama-cpp';
import { startStackServer } from '@llama-stack-ts/server';
import { createStack } from '@llama-stack-ts/stack';
import { getLlama, LlamaCompletion, type LlamaContext } from 'node-llama-cpp';
import { pino } from 'pino';
import { modelsDir } from '../test-models.js';

const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: {
    model: { type: 'string', default: join(modelsDir, 'stories260K.gguf') },
    // The provider's own rule on this machine (1 thread on <= 2 cores), so both sides use it.
    threads: {
      type: 'string',
      default: String(availableParallelism() <= 2 ? 1 : availableParallelism() - 1),
    },
    tokens: { type: 'string', default: '256' },
    runs: { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '8' },
    'context-size': { type: 'string', default: '1024' },
    prompt: { type: 'string', default: 'Once upon a time, there was a little girl named Lily.' },
    check: { type: 'boolean', default: false },
  },
});
const modelPath = resolve(values.model);
const threads = Number(values.threads);
const maxTokens = Number(values.tokens);
const runs = Number(values.runs);
const concurrency = Number(values.concurrency);
const contextSize = Number(values['context-size']);
const prompt = values.prompt;

interface Run {
  tokens: number;
  ms: number;
  firstTokenMs: number;
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

// -- raw node-llama-cpp ----------------------------------------------------------------------------

const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 0, logLevel: 'error' as never });
const rawModel = await llama.loadModel({ modelPath });
const rawContext: LlamaContext = await rawModel.createContext({
  contextSize,
  sequences: concurrency,
  batchSize: Math.min(512, contextSize),
  threads,
});
const rawSequences = Array.from({ length: concurrency }, () => rawContext.getSequence());

async function rawStream(index: number): Promise<Run> {
  const sequence = rawSequences[index];
  if (!sequence) throw new Error(`no raw sequence ${index}`);
  // As the provider does per request: start from an empty sequence, so prompt evaluation counts.
  await sequence.clearHistory();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const started = performance.now();
  let firstTokenMs = Number.NaN;
  let tokens = 0;
  await completion.generateCompletion(prompt, {
    maxTokens,
    temperature: 0,
    repeatPenalty: false,
    onToken(chunk) {
      if (tokens === 0) firstTokenMs = performance.now() - started;
      tokens += chunk.length;
    },
  });
  const ms = performance.now() - started;
  completion.dispose({ disposeSequence: false });
  return { tokens, ms, firstTokenMs };
}

// -- the stack, served over HTTP in this process ---------------------------------------------------

const dataDir = await mkdtemp(join(tmpdir(), 'lsts-bench-inference-'));
const quiet = { info() {}, warn() {}, error() {} };
const stack = await createStack(
  {
    name: 'bench-inference',
    data_dir: dataDir,
    providers: {
      inference: [
        {
          provider_id: 'llama-cpp',
          provider_type: 'inline::llama-cpp',
          config: {
            gpu: 'cpu',
            threads,
            context_size: contextSize,
            parallel_sequences: concurrency,
            max_queue: concurrency,
          },
        },
      ],
    },
    models: [{ model_id: 'bench', provider_model_id: modelPath }],
  },
  { providers: [llamaCppProviderSpec], logger: quiet },
);
// The access log stays on (it is part of serving a request), written to /dev/null.
const server = await startStackServer(stack, {
  port: 0,
  logger: pino({ level: 'info' }, pino.destination('/dev/null')),
});
const decoder = new TextDecoder();

async function stackStream(): Promise<Run> {
  const started = performance.now();
  const response = await fetch(`${server.url}/inference/completion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      model: 'bench',
      content: prompt,
      max_tokens: maxTokens,
      stream: true,
      sampling_params: { strategy: 'greedy' },
    }),
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`${response.status}: ${await response.text()}`);
  let firstTokenMs = Number.NaN;
  let tokens = 0;
  let buffer = '';
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      if (!event.startsWith('data: ')) continue;
      const chunk = JSON.parse(event.slice(6)) as {
        text_delta: string;
        usage?: { completion_tokens: number };
      };
      if (Number.isNaN(firstTokenMs) && chunk.text_delta !== '') firstTokenMs = performance.now() - started;
      if (chunk.usage) tokens = chunk.usage.completion_tokens;
    }
  }
  return { tokens, ms: performance.now() - started, firstTokenMs };
}

// -- measurement -----------------------------------------------------------------------------------

async function concurrent(stream: (index: number) => Promise<Run>): Promise<{ tokens: number; ms: number }> {
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: concurrency }, (_, index) => stream(index)));
  return { tokens: results.reduce((sum, run) => sum + run.tokens, 0), ms: performance.now() - started };
}

const perSecond = (run: { tokens: number; ms: number }) => (run.tokens / run.ms) * 1000;

console.log(
  `model ${modelPath}\nthreads ${threads}, context ${contextSize}, up to ${maxTokens} tokens per stream, ` +
    `${runs} interleaved runs (+1 warm-up), ${concurrency} concurrent streams / parallel sequences\n`,
);

// Warm-up: first evaluations, JIT, connection pool.
await rawStream(0);
await stackStream();
await concurrent(rawStream);
await concurrent(() => stackStream());

const single = { raw: [] as Run[], stack: [] as Run[] };
const multi = { raw: [] as { tokens: number; ms: number }[], stack: [] as { tokens: number; ms: number }[] };
for (let run = 0; run < runs; run++) {
  // Alternate which side goes first, so neither always runs on a warmer (or noisier) machine.
  const order = run % 2 === 0 ? (['raw', 'stack'] as const) : (['stack', 'raw'] as const);
  for (const side of order) single[side].push(side === 'raw' ? await rawStream(0) : await stackStream());
  for (const side of order)
    multi[side].push(side === 'raw' ? await concurrent(rawStream) : await concurrent(() => stackStream()));
  const last = (side: 'raw' | 'stack') => single[side].at(-1) as Run;
  console.log(
    `run ${run + 1}: 1 stream raw ${perSecond(last('raw')).toFixed(0)} / stack ${perSecond(last('stack')).toFixed(0)} tok/s, ` +
      `first token raw ${last('raw').firstTokenMs.toFixed(2)} / stack ${last('stack').firstTokenMs.toFixed(2)} ms; ` +
      `${concurrency} streams raw ${perSecond(multi.raw.at(-1) as Run).toFixed(0)} / stack ${perSecond(multi.stack.at(-1) as Run).toFixed(0)} tok/s`,
  );
}

const tokensMismatch = single.raw.some((run, index) => run.tokens !== single.stack[index]?.tokens);
const rawTps = median(single.raw.map(perSecond));
const stackTps = median(single.stack.map(perSecond));
const rawTtft = median(single.raw.map((run) => run.firstTokenMs));
const stackTtft = median(single.stack.map((run) => run.firstTokenMs));
const rawMulti = median(multi.raw.map(perSecond));
const stackMulti = median(multi.stack.map(perSecond));

const results = [
  {
    name: 'streamed tok/s, 1 stream (stack / raw)',
    detail: `${stackTps.toFixed(0)} / ${rawTps.toFixed(0)}`,
    value: stackTps / rawTps,
    shown: (stackTps / rawTps).toFixed(3),
    ok: stackTps / rawTps >= 0.95,
    target: '>= 0.95',
  },
  {
    name: 'time to first token overhead, median (stack - raw)',
    detail: `${stackTtft.toFixed(2)} - ${rawTtft.toFixed(2)} ms`,
    value: stackTtft - rawTtft,
    shown: `${(stackTtft - rawTtft).toFixed(2)} ms`,
    ok: stackTtft - rawTtft < 5,
    target: '< 5 ms',
  },
  {
    name: `aggregate tok/s, ${concurrency} streams (stack / raw)`,
    detail: `${stackMulti.toFixed(0)} / ${rawMulti.toFixed(0)}`,
    value: stackMulti / rawMulti,
    shown: (stackMulti / rawMulti).toFixed(3),
    ok: stackMulti / rawMulti >= 0.9,
    target: '>= 0.9',
  },
];
console.log('');
for (const result of results) {
  console.log(
    `${result.name.padEnd(52)} ${result.shown.padStart(10)}  (${result.detail})  target ${result.target}  ${result.ok ? 'ok' : 'MISSED'}`,
  );
}
if (tokensMismatch)
  console.log('note: raw and stack generated different token counts in some runs (see above).');
console.log(
  `tokens per stream: raw ${median(single.raw.map((run) => run.tokens))}, stack ${median(single.stack.map((run) => run.tokens))}`,
);

await server.close();
await rawContext.dispose();
await rawModel.dispose();
await rm(dataDir, { recursive: true, force: true });
if (values.check && results.some((result) => !result.ok)) process.exit(1);
