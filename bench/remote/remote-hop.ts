/**
 * What the remote::openai hop costs, in one run: `llama-stack-ts run local` is the upstream and
 * `llama-stack-ts run remote-openai` relays to it, each in its own process. For each streaming
 * surface of the downstream (native, OpenAI completions and chat), against the same route of the
 * upstream directly:
 *
 *   1. streamed tokens/s of one request, through the hop / direct. Target >= 0.95.
 *   2. time to first token, through the hop minus direct, in ms. Target < 5 ms.
 *   3. CPU per streamed token (Linux), which a loaded machine's noise does not move: the hop's
 *      process, and the upstream's event loop on each side (the hop reads its stream once more).
 *
 * Direct and hop alternate round by round (which goes first flips each round), so machine noise
 * hits both alike; each figure is the median of the rounds' ratios or differences (the first token
 * also over `--first-token-samples` two-token requests a round). Greedy decoding, a fixed budget.
 *
 *   pnpm --filter @llama-stack-ts/bench run remote
 *   pnpm --filter @llama-stack-ts/bench run remote -- --tokens 512 --runs 9 --check
 *
 * `--check` exits 1 when a figure misses its target. `--cpu-prof <dir>` writes a V8 CPU profile of
 * the downstream (the hop's) process there. Models: stories260K.gguf and
 * synthetic/tiny-random-bert-embedder from LLAMA_STACK_TS_TEST_MODELS (default ../shared/models).
 */
import {
  cpuProfNodeFlags,
  cpuProfOption,
  integerFlags,
  parseBenchArgs,
  stackModelOptions,
  stackModelPaths,
} from '../bench-options.js';
import { startLocalDistribution } from '../inference/local-distribution.js';
import { type StackSurface, stackSurfaces, streamFromStack } from '../inference/stack-surfaces.js';
import { type StreamRun, tokensPerSecond } from '../inference/stream-run.js';
import { ThreadCpuMeter } from '../inference/thread-cpu-meter.js';
import { requireBuiltCli } from '../llama-stack-ts-cli.js';
import { median } from '../median.js';
import { startRemoteOpenAiDistribution } from './remote-openai-distribution.js';

const values = parseBenchArgs({
  ...stackModelOptions,
  tokens: { type: 'string', default: '256' },
  runs: { type: 'string', default: '7' },
  prompt: { type: 'string', default: 'Once upon a time, there was a little girl named Lily.' },
  'first-token-samples': { type: 'string', default: '5' },
  'timeout-ms': { type: 'string', default: '120000' },
  check: { type: 'boolean', default: false },
  ...cpuProfOption,
});
const {
  tokens: maxTokens,
  runs,
  'first-token-samples': firstTokenSamples,
} = integerFlags({
  tokens: values.tokens,
  runs: values.runs,
  'first-token-samples': values['first-token-samples'],
});
const { modelPath, embeddingModel } = stackModelPaths(values);
requireBuiltCli('remote');

const targets = { ratio: 0.95, firstTokenMs: 5 };
type Side = 'direct' | 'hop';

await using upstream = await startLocalDistribution({
  model: modelPath,
  embeddingModel,
  timeoutMs: Number(values['timeout-ms']),
  env: { LLAMA_STACK_TS_JOBS_PREFIX: `lsts-bench-remote-${process.pid}` },
});
await using downstream = await startRemoteOpenAiDistribution({
  upstreamUrl: upstream.url,
  embeddingModel,
  timeoutMs: Number(values['timeout-ms']),
  nodeFlags: cpuProfNodeFlags(values['cpu-prof']),
});
console.log(
  `direct: ${upstream.url} (llama-stack-ts run local, pid ${upstream.pid}, model '${upstream.modelId}')\n` +
    `hop:    ${downstream.url} (llama-stack-ts run remote-openai, pid ${downstream.pid}) -> direct\n` +
    `greedy, ${maxTokens} tokens per stream; ${runs} alternating rounds (+1 warm-up) per surface\n`,
);

const surfaces = stackSurfaces.filter((surface) => !surface.path.startsWith('/generate'));
const failures: string[] = [];
for (const surface of surfaces) await benchSurface(surface);
if (values.check && failures.length > 0) {
  console.error(`missed: ${failures.join('; ')}`);
  process.exitCode = 1;
}

async function benchSurface(surface: StackSurface): Promise<void> {
  const stream = (side: Side, tokens = maxTokens): Promise<StreamRun> =>
    streamFromStack(side === 'direct' ? upstream.url : downstream.url, surface, {
      model: upstream.modelId,
      prompt: values.prompt,
      maxTokens: tokens,
    });
  for (const side of ['direct', 'hop'] as const) await stream(side); // warm-up: JIT, connection pools
  const single: Record<Side, StreamRun[]> = { direct: [], hop: [] };
  const firstTokenMs: Record<Side, number[]> = { direct: [], hop: [] };
  const hopCpu = new ThreadCpuMeter<Side>(downstream.pid);
  const upstreamCpu = new ThreadCpuMeter<Side>(upstream.pid);
  console.log(surface.name);
  for (let round = 0; round < runs; round++) {
    const order: Side[] = round % 2 === 0 ? ['direct', 'hop'] : ['hop', 'direct'];
    for (const side of order) {
      const run = await hopCpu.measure(side, () => upstreamCpu.measure(side, () => stream(side)));
      single[side].push(run);
      firstTokenMs[side].push(run.firstTokenMs);
    }
    // Two tokens, as bench/inference: the first piece of text, then the end.
    for (let sample = 0; sample < firstTokenSamples; sample++)
      for (const side of order) firstTokenMs[side].push((await stream(side, 2)).firstTokenMs);
    const last = (side: Side) => single[side].at(-1) as StreamRun;
    console.log(
      `  round ${round + 1}: ${tokensPerSecond(last('hop')).toFixed(0)} / ${tokensPerSecond(last('direct')).toFixed(0)} tok/s, ` +
        `first token ${last('hop').firstTokenMs.toFixed(2)} / ${last('direct').firstTokenMs.toFixed(2)} ms (hop / direct), ` +
        `${last('hop').tokens} / ${last('direct').tokens} tokens`,
    );
  }
  const ratio = median(
    single.hop.map((run, i) => tokensPerSecond(run) / tokensPerSecond(single.direct[i] as StreamRun)),
  );
  const overhead = median(firstTokenMs.hop.map((ms, i) => ms - (firstTokenMs.direct[i] as number)));
  const ratioOk = ratio >= targets.ratio;
  const overheadOk = overhead < targets.firstTokenMs;
  if (!ratioOk) failures.push(`${surface.name} tokens/s ratio ${ratio.toFixed(3)}`);
  if (!overheadOk) failures.push(`${surface.name} first-token overhead ${overhead.toFixed(2)} ms`);
  console.log(
    `  => streamed tokens/s hop / direct: ${ratio.toFixed(3)} (target >= ${targets.ratio}) ${ratioOk ? 'ok' : 'MISSED'}\n` +
      `  => time to first token, hop - direct: ${overhead.toFixed(2)} ms (target < ${targets.firstTokenMs} ms) ${overheadOk ? 'ok' : 'MISSED'}`,
  );
  const hop = hopCpu.perToken('hop');
  const [direct, relayed] = [upstreamCpu.perToken('direct'), upstreamCpu.perToken('hop')];
  const us = (value: number) => `${value.toFixed(0)} µs`;
  console.log(
    hop && direct && relayed
      ? `  => CPU per token: hop process ${us(hop.stackMain + hop.stackOther)} (event loop ${us(hop.stackMain)}); ` +
          `upstream event loop ${us(direct.stackMain)} direct, ${us(relayed.stackMain)} through the hop\n`
      : '  => CPU per token: not measured (no /proc schedstat)\n',
  );
}
