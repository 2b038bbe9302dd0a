/**
 * Whether one client's large body stalls everyone else (issue 14, finding 1): `llama-stack-ts run
 * local` (the built command, the distribution's defaults, a fresh LLAMA_STACK_TS_HOME, stories260K)
 * in its own process; one client sends a `--bytes` body (15 MB by default, under `local`'s 16 MiB
 * max_body_bytes) to each of TGI `/tokenize`, OpenAI `/v1/chat/completions`, TGI `/generate` and
 * `/memory_bank/insert` in turn, while a second client asks `GET /health` one request after another
 * until the large request has been answered. For each route it prints the large request's status
 * and time, and the p50, p99 and largest `/health` latency over `--runs` sends, next to `/health`
 * on the idle server asked as many times right after each send, and the load averages: on a shared
 * machine the idle figures move with the load, so only the two side by side tell the route's own
 * share. Target: p99 under 100 ms on every route. Each route gets a small body first: the first
 * insert loads transformers.js and LanceDB, a one-time cost of any first use.
 *
 *   pnpm --filter @llama-stack-ts/bench run hostile
 *   pnpm --filter @llama-stack-ts/bench run hostile -- --runs 5 --bytes 4000000 --check
 *
 * `--routes insert` limits the run to the routes named; `--cpu-prof <dir>` writes a V8 CPU profile
 * of the server's process there (Chrome DevTools opens it). `--check` exits 1 when a route misses the target. The two clients live in this process but share
 * nothing: the sender streams its body from a prepared buffer and reads the answer without parsing
 * it, so this process stays free to time `/health`. Models: stories260K.gguf and
 * synthetic/tiny-random-bert-embedder from LLAMA_STACK_TS_TEST_MODELS (default ../shared/models).
 */
import { request } from 'node:http';
import { loadavg } from 'node:os';
import {
  cpuProfNodeFlags,
  cpuProfOption,
  integerFlags,
  parseBenchArgs,
  pickByName,
  stackModelOptions,
  stackModelPaths,
} from '../bench-options.js';
import { startLocalDistribution } from '../inference/local-distribution.js';
import { llamaStackTsCli, requireBuiltCli } from '../llama-stack-ts-cli.js';
import { percentile } from '../percentile.js';
import { type HostileRoute, hostileRoutes, storyText } from './hostile-bodies.js';

const values = parseBenchArgs({
  ...stackModelOptions,
  bytes: { type: 'string', default: '15000000' },
  runs: { type: 'string', default: '3' },
  'idle-samples': { type: 'string', default: '200' },
  'target-ms': { type: 'string', default: '100' },
  'request-timeout-ms': { type: 'string', default: '300000' },
  'timeout-ms': { type: 'string', default: '120000' },
  // Comma-separated words matched against the route names: tokenize, chat, generate, insert.
  routes: { type: 'string', default: 'tokenize,chat,generate,insert' },
  ...cpuProfOption,
  check: { type: 'boolean', default: false },
});
const {
  bytes,
  runs,
  'idle-samples': idleSamples,
} = integerFlags({ bytes: values.bytes, runs: values.runs, 'idle-samples': values['idle-samples'] });
const targetMs = Number(values['target-ms']);
const requestTimeoutMs = Number(values['request-timeout-ms']);
const routes = pickByName(hostileRoutes, values.routes, 'routes');
const { modelPath, embeddingModel } = stackModelPaths(values);
requireBuiltCli('hostile');

/** What the large request got back. */
interface LargeAnswer {
  status: number;
  ms: number;
  /** The start of the body, to show what the server said. */
  head: string;
  bytes: number;
}

/** `/health` latencies, in ms, while a large request was in flight and on the idle server after it. */
interface RouteResult {
  route: HostileRoute;
  answers: LargeAnswer[];
  health: number[];
  idle: number[];
  /** The 1-minute load average before and after the route's sends. */
  load: [number, number];
}

await using stack = await startLocalDistribution({
  model: modelPath,
  embeddingModel,
  timeoutMs: Number(values['timeout-ms']),
  nodeFlags: cpuProfNodeFlags(values['cpu-prof']),
});
console.log(
  `stack: node ${llamaStackTsCli} run local (pid ${stack.pid}, ${stack.url}, model '${stack.modelId}')\n` +
    `large bodies: ${bytes} bytes, ${runs} sends per route; /health asked one request after another meanwhile\n`,
);

const created = await fetch(`${stack.url}/memory_banks/create?bank_uuid=hostile&bank_name=hostile`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: '[]',
});
if (created.status !== 200)
  throw new Error(`creating the memory bank: ${created.status} ${await created.text()}`);

const idle: number[] = [];
for (let sample = 0; sample < idleSamples; sample++) idle.push(await timeHealth());
console.log(`idle /health: p50 ${formatMs(percentile(idle, 50))}, p99 ${formatMs(percentile(idle, 99))}\n`);

const text = storyText(bytes);
const results: RouteResult[] = [];
for (const route of routes) {
  // Warm-up: a small body first, so that a provider's first use (transformers.js and LanceDB load
  // on the first insert) is not counted as the large body's doing.
  await send(route.path, Buffer.from(JSON.stringify(route.body(storyText(1_000), stack.modelId, -1))));
  const result: RouteResult = { route, answers: [], health: [], idle: [], load: [loadavg()[0]!, 0] };
  for (let run = 0; run < runs; run++) {
    const body = Buffer.from(JSON.stringify(fitBody(route, bytes, run)));
    const { answer, health } = await sendWhileProbing(route, body);
    // As many samples of the idle server, right after: the baseline under the same machine load.
    const idleAfter: number[] = [];
    while (idleAfter.length < health.length) idleAfter.push(await timeHealth());
    result.answers.push(answer);
    result.health.push(...health);
    result.idle.push(...idleAfter);
    console.log(
      `${route.name}, send ${run + 1}: ${answer.status} in ${formatMs(answer.ms)} (${answer.bytes} bytes: ${answer.head.slice(0, 160)}); ` +
        `/health ×${health.length}, largest ${formatMs(Math.max(...health))} (idle after: largest ${formatMs(Math.max(...idleAfter))})`,
    );
  }
  result.load[1] = loadavg()[0]!;
  results.push(result);
}
report(results);

/** The route's body around a text sized so that the whole JSON is `bytes` long. */
function fitBody(route: HostileRoute, size: number, run: number): unknown {
  const overhead = JSON.stringify(route.body('', stack.modelId, run)).length;
  const documents = Math.max(1, Math.ceil(size / 1_000_000));
  // The insert's documents each carry their own fields: leave room for them.
  const perDocument = route.path.startsWith('/memory_bank') ? overhead * documents : overhead;
  return route.body(text.slice(0, Math.max(0, size - perDocument)), stack.modelId, run);
}

/** Sends `body` to the route while timing `/health` back to back until the route has answered. */
async function sendWhileProbing(
  route: HostileRoute,
  body: Buffer,
): Promise<{ answer: LargeAnswer; health: number[] }> {
  let answered = false;
  const large = send(route.path, body).finally(() => {
    answered = true;
  });
  const health: number[] = [];
  // At least one sample, taken while the body is on its way or being worked on.
  do health.push(await timeHealth());
  while (!answered);
  return { answer: await large, health };
}

/** POSTs `body` and reads the answer as bytes, keeping its start only. */
function send(path: string, body: Buffer): Promise<LargeAnswer> {
  const started = performance.now();
  return new Promise((resolveAnswer, reject) => {
    const outgoing = request(
      `${stack.url}${path}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
        agent: false,
        timeout: requestTimeoutMs,
      },
      (response) => {
        let head = '';
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (head.length < 400) head += chunk.toString('utf8', 0, Math.min(chunk.length, 400));
        });
        response.on('end', () =>
          resolveAnswer({
            status: response.statusCode ?? 0,
            ms: performance.now() - started,
            head: head.replace(/\s+/g, ' '),
            bytes: received,
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`${path}: no answer within ${requestTimeoutMs} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function timeHealth(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${stack.url}/health`);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`/health answered ${response.status}`);
  return performance.now() - started;
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`;
}

function report(all: readonly RouteResult[]): void {
  console.log(
    `\n/health while a ${bytes}-byte body is in flight, and on the idle server right after each send (target: p99 < ${targetMs} ms)`,
  );
  console.log(
    `  ${'route'.padEnd(30)} ${'answer'.padEnd(18)} ${'samples'.padStart(7)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}` +
      ` ${'idle p50'.padStart(9)} ${'idle p99'.padStart(9)}  ${'load 1m'.padEnd(11)}`,
  );
  let missed = 0;
  for (const { route, answers, health, idle, load } of all) {
    const p99 = percentile(health, 99);
    const ok = p99 < targetMs;
    if (!ok) missed++;
    const statuses = [...new Set(answers.map((answer) => answer.status))].join('/');
    const answerMs = percentile(
      answers.map((answer) => answer.ms),
      50,
    );
    console.log(
      `  ${route.name.padEnd(30)} ${`${statuses} in ${formatMs(answerMs)}`.padEnd(18)} ${String(health.length).padStart(7)} ` +
        `${formatMs(percentile(health, 50)).padStart(9)} ${formatMs(p99).padStart(9)} ${formatMs(Math.max(...health)).padStart(9)} ` +
        `${formatMs(percentile(idle, 50)).padStart(9)} ${formatMs(percentile(idle, 99)).padStart(9)}  ` +
        `${`${load[0].toFixed(1)}→${load[1].toFixed(1)}`.padEnd(11)} ${ok ? 'ok' : 'MISSED'}`,
    );
  }
  if (values.check && missed > 0) process.exitCode = 1;
}
