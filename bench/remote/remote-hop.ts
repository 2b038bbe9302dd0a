/**
 * What the remote::openai hop costs, in one run: `llama-stack-ts run local` is the upstream and
 * `llama-stack-ts run remote-openai` relays to it, each in its own process. For each streaming
 * surface of the downstream (native, OpenAI completions and chat), against the same route of the
 * upstream directly:
 *
 *   1. streamed tokens/s of one request, through the hop / direct. Target >= 0.95.
 *   2. time to first token, through the hop minus direct, in ms. Target < 5 ms.
 *   3. CPU per streamed token (Linux), which a loaded machine's noise does not move: the hop's and
 *      the byte relay's processes, and the upstream's event loop direct and through the hop.
 *
 * A third side, a byte relay (byte-relay-process.mjs: node:http piping bytes, parsing nothing),
 * shows what any hop costs on this machine. Each figure is measured twice (cpu-placement.ts): with
 * the hop on a core of its own, as on a machine of its own in a remote deployment (the targets apply
 * there), and with every process on every core, where on a small machine the hop's cycles come out
 * of the upstream's decoding.
 *
 * The sides take turns within a round (which goes first rotates each round), so machine noise hits
 * them alike; each figure is the median of the rounds' ratios or differences (the first token also
 * over `--first-token-samples` two-token requests a round). `--warm-up` streams per surface, side
 * and placement come first: the servers' JIT and connection pools settle, and the rates with them.
 * Greedy decoding, a fixed budget.
 *
 *   pnpm --filter @llama-stack-ts/bench run remote
 *   pnpm --filter @llama-stack-ts/bench run remote -- --tokens 1024 --runs 11 --surfaces chat --check
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
  pickByName,
  stackModelOptions,
  stackModelPaths,
} from '../bench-options.js';
import { startLocalDistribution } from '../inference/local-distribution.js';
import { type StackSurface, stackSurfaces, streamFromStack } from '../inference/stack-surfaces.js';
import { type StreamRun, tokensPerSecond } from '../inference/stream-run.js';
import { ThreadCpuMeter } from '../inference/thread-cpu-meter.js';
import { requireBuiltCli } from '../llama-stack-ts-cli.js';
import { median } from '../median.js';
import { startByteRelay } from './byte-relay.js';
import { cpuPlacement, type Placement } from './cpu-placement.js';
import { startRemoteOpenAiDistribution } from './remote-openai-distribution.js';

const values = parseBenchArgs({
  ...stackModelOptions,
  tokens: { type: 'string', default: '256' },
  runs: { type: 'string', default: '7' },
  // TGI's /generate_stream is not relayed: remote-openai's upstream is OpenAI-shaped.
  surfaces: { type: 'string', default: 'native,completions,chat' },
  prompt: { type: 'string', default: 'Once upon a time, there was a little girl named Lily.' },
  'first-token-samples': { type: 'string', default: '5' },
  'warm-up': { type: 'string', default: '6' },
  'timeout-ms': { type: 'string', default: '120000' },
  check: { type: 'boolean', default: false },
  ...cpuProfOption,
});
const {
  tokens: maxTokens,
  runs,
  'first-token-samples': firstTokenSamples,
  'warm-up': warmUp,
} = integerFlags({
  tokens: values.tokens,
  runs: values.runs,
  'first-token-samples': values['first-token-samples'],
  'warm-up': values['warm-up'],
});
const { modelPath, embeddingModel } = stackModelPaths(values);
requireBuiltCli('remote');

const targets = { ratio: 0.95, firstTokenMs: 5 };
const sides = ['direct', 'hop', 'relay'] as const;
type Side = (typeof sides)[number];
const timeoutMs = Number(values['timeout-ms']);

await using upstream = await startLocalDistribution({
  model: modelPath,
  embeddingModel,
  timeoutMs,
  env: { LLAMA_STACK_TS_JOBS_PREFIX: `lsts-bench-remote-${process.pid}` },
});
await using downstream = await startRemoteOpenAiDistribution({
  upstreamUrl: upstream.url,
  embeddingModel,
  timeoutMs,
  nodeFlags: cpuProfNodeFlags(values['cpu-prof']),
});
await using relay = await startByteRelay(upstream.url, timeoutMs);
const placement = cpuPlacement({
  relays: [downstream.pid, relay.pid],
  upstream: upstream.pid,
  client: process.pid,
});
const targetPlacement = placement.placements[0] as Placement;
console.log(
  `direct: ${upstream.url} (llama-stack-ts run local, pid ${upstream.pid}, model '${upstream.modelId}', ` +
    `${upstream.settings.threads} llama.cpp thread(s))\n` +
    `hop:    ${downstream.ready} (llama-stack-ts run remote-openai, pid ${downstream.pid}) -> direct\n` +
    `relay:  ${relay.ready} (byte relay, pid ${relay.pid}) -> direct\n` +
    placement.placements.map((each) => `${each} cores: ${placement.describe(each)}\n`).join('') +
    (placement.unavailable ? `no separate cores: ${placement.unavailable}\n` : '') +
    `greedy, ${maxTokens} tokens per stream; ${runs} rounds per surface, ` +
    `after ${warmUp} warm-up streams per surface and side; targets on ${targetPlacement} cores\n`,
);

const surfaces = pickByName(stackSurfaces, values.surfaces, 'surfaces');
const urls: Record<Side, string> = { direct: upstream.url, hop: downstream.ready, relay: relay.ready };
const stream = (surface: StackSurface, side: Side, tokens = maxTokens): Promise<StreamRun> =>
  streamFromStack(urls[side], surface, { model: upstream.modelId, prompt: values.prompt, maxTokens: tokens });
// Every surface is warmed up before the first is measured: the hop reaches the upstream through
// its OpenAI routes whatever the surface, so one surface's warm-up alone leaves code others run cold.
for (const each of placement.placements) {
  placement.apply(each);
  for (let run = 0; run < warmUp; run++)
    for (const surface of surfaces) for (const side of sides) await stream(surface, side);
}
const failures: string[] = [];
for (const surface of surfaces) await benchSurface(surface);
if (values.check && failures.length > 0) {
  console.error(`missed: ${failures.join('; ')}`);
  process.exitCode = 1;
}

/** Each side's latest figure, `direct / hop / relay`. */
function latest(figures: Record<Side, number[]>, digits: number): string {
  return sides.map((side) => (figures[side].at(-1) as number).toFixed(digits)).join(' / ');
}

async function benchSurface(surface: StackSurface): Promise<void> {
  const perSide = () => ({ direct: [], hop: [], relay: [] }) as Record<Side, number[]>;
  const measured = Object.fromEntries(
    placement.placements.map((each) => [each, { tokensPerSecond: perSide(), firstTokenMs: perSide() }]),
  ) as Record<Placement, { tokensPerSecond: Record<Side, number[]>; firstTokenMs: Record<Side, number[]> }>;
  const relayingCpu = {
    hop: new ThreadCpuMeter<Side>(downstream.pid),
    relay: new ThreadCpuMeter<Side>(relay.pid),
  };
  const upstreamCpu = new ThreadCpuMeter<Side>(upstream.pid);
  console.log(surface.name);
  for (let round = 0; round < runs; round++) {
    const order = sides.map((_, index) => sides[(index + round) % sides.length] as Side);
    for (const each of placement.placements) {
      placement.apply(each);
      const { tokensPerSecond: rates, firstTokenMs } = measured[each];
      for (const side of order) {
        const run = await upstreamCpu.measure(side, () =>
          side === 'direct'
            ? stream(surface, side)
            : relayingCpu[side].measure(side, () => stream(surface, side)),
        );
        rates[side].push(tokensPerSecond(run));
        firstTokenMs[side].push(run.firstTokenMs);
      }
      // Two tokens, as bench/inference: the first piece of text, then the end.
      for (let sample = 0; sample < firstTokenSamples; sample++)
        for (const side of order) firstTokenMs[side].push((await stream(surface, side, 2)).firstTokenMs);
      console.log(
        `  round ${round + 1}, ${each} cores: ${latest(rates, 0)} tok/s, ` +
          `first token ${latest(firstTokenMs, 2)} ms (${sides.join(' / ')})`,
      );
    }
  }
  for (const each of placement.placements) {
    const { tokensPerSecond: rates, firstTokenMs } = measured[each];
    const ratio = (side: Side) => median(rates[side].map((rate, i) => rate / (rates.direct[i] as number)));
    const overhead = (side: Side) =>
      median(firstTokenMs[side].map((ms, i) => ms - (firstTokenMs.direct[i] as number)));
    const [hopRatio, hopOverhead] = [ratio('hop'), overhead('hop')];
    const judged = each === targetPlacement;
    const verdict = (ok: boolean) => (judged ? (ok ? ' ok' : ' MISSED') : '');
    if (judged && hopRatio < targets.ratio)
      failures.push(`${surface.name} tokens/s ratio ${hopRatio.toFixed(3)}`);
    if (judged && hopOverhead >= targets.firstTokenMs)
      failures.push(`${surface.name} first-token overhead ${hopOverhead.toFixed(2)} ms`);
    console.log(
      `  ${each} cores:\n` +
        `  => streamed tokens/s hop / direct: ${hopRatio.toFixed(3)}` +
        `${judged ? ` (target >= ${targets.ratio})` : ''}${verdict(hopRatio >= targets.ratio)}; ` +
        `byte relay / direct: ${ratio('relay').toFixed(3)}\n` +
        `  => time to first token, hop - direct: ${hopOverhead.toFixed(2)} ms` +
        `${judged ? ` (target < ${targets.firstTokenMs} ms)` : ''}${verdict(hopOverhead < targets.firstTokenMs)}; ` +
        `byte relay - direct: ${overhead('relay').toFixed(2)} ms`,
    );
  }
  const [hop, byteRelay] = [relayingCpu.hop.perToken('hop'), relayingCpu.relay.perToken('relay')];
  const [direct, relayed] = [upstreamCpu.perToken('direct'), upstreamCpu.perToken('hop')];
  const us = (value: number) => `${value.toFixed(0)} µs`;
  console.log(
    hop && byteRelay && direct && relayed
      ? `  => CPU per token: hop process ${us(hop.stackMain + hop.stackOther)} (event loop ${us(hop.stackMain)}), ` +
          `byte relay ${us(byteRelay.stackMain + byteRelay.stackOther)}; ` +
          `upstream event loop ${us(direct.stackMain)} direct, ${us(relayed.stackMain)} through the hop\n`
      : '  => CPU per token: not measured (no /proc schedstat)\n',
  );
}
