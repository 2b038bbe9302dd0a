import {
  cpuProfNodeFlags,
  cpuProfOption,
  integerFlags,
  parseBenchArgs,
  pickByName,
  stackModelOptions,
  stackModelPaths,
} from '../bench-options.js';
import { llamaStackTsCli, requireBuiltCli } from '../llama-stack-ts-cli.js';
import { median } from '../median.js';
import { formatSettings } from './llama-cpp-settings.js';
import { startLocalDistribution } from './local-distribution.js';
import { RawLlamaCpp } from './raw-llama-cpp.js';
import { type StackSurface, stackSurfaces, streamFromStack } from './stack-surfaces.js';
import { type ConcurrentRun, runConcurrently, type StreamRun, tokensPerSecond } from './stream-run.js';
import { type CpuPerToken, ThreadCpuMeter } from './thread-cpu-meter.js';

const values = parseBenchArgs({
  ...stackModelOptions,
  tokens: { type: 'string', default: '256' },
  runs: { type: 'string', default: '7' },
  concurrency: { type: 'string', default: '8' },
  prompt: { type: 'string', default: 'Once upon a time, there was a little girl named Lily.' },
  // Comma-separated words matched against the surface names: native, completions, chat, tgi.
  surfaces: { type: 'string', default: 'native,completions,chat,tgi' },
  'first-token-samples': { type: 'string', default: '5' },
  'timeout-ms': { type: 'string', default: '120000' },
  ...cpuProfOption,
  check: { type: 'boolean', default: false },
});
const {
  tokens: maxTokens,
  runs,
  concurrency,
} = integerFlags({ tokens: values.tokens, runs: values.runs, concurrency: values.concurrency });
const { 'first-token-samples': firstTokenSamples } = integerFlags(
  { 'first-token-samples': values['first-token-samples'] },
  0,
);
const prompt = values.prompt;
const surfaces = pickByName(stackSurfaces, values.surfaces, 'surfaces');
const { modelPath, embeddingModel } = stackModelPaths(values);
requireBuiltCli('inference');

type Side = 'raw' | 'stack';

interface SurfaceResult {
  surface: StackSurface;
  single: Record<Side, StreamRun[]>;
  /** The single runs' first tokens and those of the two-token requests, in pairs. */
  firstTokenMs: Record<Side, number[]>;
  multi: Record<Side, ConcurrentRun[]>;
  cpu: { single: Record<Side, CpuPerToken | undefined>; multi: Record<Side, CpuPerToken | undefined> };
}

const targets = { singleRatio: 0.95, firstTokenMs: 5, multiRatio: 0.9 };

await using stack = await startLocalDistribution({
  model: modelPath,
  embeddingModel,
  timeoutMs: Number(values['timeout-ms']),
  nodeFlags: cpuProfNodeFlags(values['cpu-prof']),
});
await using raw = await RawLlamaCpp.open(stack.settings);

console.log(
  `stack: node ${llamaStackTsCli} run local (pid ${stack.pid}, ${stack.url}, model '${stack.modelId}')\n` +
    `raw:   node-llama-cpp in this process (pid ${process.pid})\n` +
    `both:  ${stack.settings.modelPath}\n       ${formatSettings(stack.settings)}\n` +
    `greedy, ${maxTokens} tokens per stream; ${runs} alternating rounds (+1 warm-up) per surface; ` +
    `${concurrency} concurrent streams on ${stack.settings.sequences} sequences\n`,
);

const results: SurfaceResult[] = [];
for (const surface of surfaces) results.push(await benchSurface(surface));
report(results);

async function benchSurface(surface: StackSurface): Promise<SurfaceResult> {
  const stream: Record<Side, (tokens?: number) => Promise<StreamRun>> = {
    raw: (tokens = maxTokens) =>
      surface.raw === 'chat' ? raw.chat(prompt, tokens) : raw.complete(prompt, tokens),
    stack: (tokens = maxTokens) =>
      streamFromStack(stack.url, surface, { model: stack.modelId, prompt, maxTokens: tokens }),
  };
  const cpu = new ThreadCpuMeter<`${Side} ${'single' | 'multi'}`>(stack.pid);
  // Warm-up: JIT, the connection pool, and every sequence's KV cache holding this surface's prompt.
  for (const side of ['raw', 'stack'] as const) {
    await stream[side]();
    await runConcurrently(concurrency, () => stream[side]());
  }
  const result: SurfaceResult = {
    surface,
    single: { raw: [], stack: [] },
    firstTokenMs: { raw: [], stack: [] },
    multi: { raw: [], stack: [] },
    cpu: { single: { raw: undefined, stack: undefined }, multi: { raw: undefined, stack: undefined } },
  };
  console.log(`${surface.name} (raw: ${surface.raw === 'chat' ? 'LlamaChat' : 'LlamaCompletion'})`);
  for (let round = 0; round < runs; round++) {
    const order: Side[] = round % 2 === 0 ? ['raw', 'stack'] : ['stack', 'raw'];
    for (const side of order) {
      const run = await cpu.measure(`${side} single`, () => stream[side]());
      result.single[side].push(run);
      result.firstTokenMs[side].push(run.firstTokenMs);
    }
    // Two tokens, not one: TGI holds the token that spends the budget back until the end.
    for (let sample = 0; sample < firstTokenSamples; sample++)
      for (const side of order) result.firstTokenMs[side].push((await stream[side](2)).firstTokenMs);
    for (const side of order)
      result.multi[side].push(
        await cpu.measure(`${side} multi`, () => runConcurrently(concurrency, () => stream[side]())),
      );
    const single = (side: Side) => result.single[side].at(-1) as StreamRun;
    const multi = (side: Side) => result.multi[side].at(-1) as ConcurrentRun;
    console.log(
      `  round ${round + 1}: 1 stream ${tokensPerSecond(single('stack')).toFixed(0)} / ${tokensPerSecond(single('raw')).toFixed(0)} tok/s, ` +
        `first token ${single('stack').firstTokenMs.toFixed(2)} / ${single('raw').firstTokenMs.toFixed(2)} ms; ` +
        `${concurrency} streams ${tokensPerSecond(multi('stack')).toFixed(0)} / ${tokensPerSecond(multi('raw')).toFixed(0)} tok/s  (stack / raw)`,
    );
  }
  for (const mode of ['single', 'multi'] as const)
    for (const side of ['raw', 'stack'] as const) result.cpu[mode][side] = cpu.perToken(`${side} ${mode}`);
  if (cpu.available) {
    console.log(`  CPU per token, 1 stream:   ${formatCpu(result.cpu.single)}`);
    console.log(`  CPU per token, ${concurrency} streams: ${formatCpu(result.cpu.multi)}`);
  }
  return result;
}

/** Raw's CPU in this process; the stack's in its process and in this one (the HTTP client). */
function formatCpu(cpu: Record<Side, CpuPerToken | undefined>): string {
  const { raw: rawCpu, stack: stackCpu } = cpu;
  if (!rawCpu || !stackCpu) return 'not measured';
  const us = (value: number) => value.toFixed(0);
  return (
    `raw ${us(rawTotal(rawCpu))} µs (main thread ${us(rawCpu.benchMain)}, other threads ${us(rawCpu.benchOther)}); ` +
    `stack ${us(stackTotal(stackCpu))} µs (server main thread ${us(stackCpu.stackMain)}, ` +
    `server other threads ${us(stackCpu.stackOther)}, client ${us(stackCpu.benchMain + stackCpu.benchOther)})`
  );
}

function rawTotal(cpu: CpuPerToken): number {
  return cpu.benchMain + cpu.benchOther;
}

function stackTotal(cpu: CpuPerToken): number {
  return cpu.stackMain + cpu.stackOther + cpu.benchMain + cpu.benchOther;
}

function report(all: readonly SurfaceResult[]): void {
  const perRound = <Run>(runs: Record<Side, Run[]>, figure: (stack: Run, raw: Run) => number) =>
    median(runs.stack.map((run, index) => figure(run, runs.raw[index] as Run)));
  const judged = (shown: string, ok: boolean) => `${shown} ${ok ? 'ok' : 'MISSED'}`;
  const rows = [
    [
      'surface',
      '1 stream stack/raw',
      'first token stack-raw',
      `${concurrency} streams stack/raw`,
      'CPU/token raw -> stack',
      'tokens/stream raw / stack',
    ],
  ];
  let missed = false;
  for (const { surface, single, firstTokenMs, multi, cpu } of all) {
    const singleRatio = perRound(single, (stack, raw) => tokensPerSecond(stack) / tokensPerSecond(raw));
    const firstToken = perRound(firstTokenMs, (stack, raw) => stack - raw);
    const multiRatio = perRound(multi, (stack, raw) => tokensPerSecond(stack) / tokensPerSecond(raw));
    const oks = [
      singleRatio >= targets.singleRatio,
      firstToken < targets.firstTokenMs,
      multiRatio >= targets.multiRatio,
    ];
    if (oks.includes(false)) missed = true;
    const { raw: rawCpu, stack: stackCpu } = cpu.single;
    rows.push([
      surface.name,
      judged(singleRatio.toFixed(3), oks[0] as boolean),
      judged(`${firstToken >= 0 ? '+' : ''}${firstToken.toFixed(2)} ms`, oks[1] as boolean),
      judged(multiRatio.toFixed(3), oks[2] as boolean),
      rawCpu && stackCpu ? `${rawTotal(rawCpu).toFixed(0)} -> ${stackTotal(stackCpu).toFixed(0)} µs` : '-',
      tokenCounts(single, multi),
    ]);
  }
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  console.log('');
  for (const row of rows)
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  console.log(
    `targets: 1 stream >= ${targets.singleRatio}, first token < ${targets.firstTokenMs} ms, ` +
      `${concurrency} streams >= ${targets.multiRatio}; medians over ${runs} rounds of each round's ratio or ` +
      `difference; CPU/token: both processes' threads, 1 stream`,
  );
  if (values.check && missed) process.exitCode = 1;
}

/** The tokens one stream generated on each side, flagged when any round's counts differ. */
function tokenCounts(single: Record<Side, StreamRun[]>, multi: Record<Side, ConcurrentRun[]>): string {
  const counts = (side: Side) => [
    ...single[side].map((run) => run.tokens),
    ...multi[side].flatMap((run) => run.perStream),
  ];
  const raw = counts('raw');
  const stack = counts('stack');
  const same = raw.every((tokens, index) => tokens === stack[index]);
  const spread = (values: number[]) => {
    const low = Math.min(...values);
    const high = Math.max(...values);
    return low === high ? String(low) : `${low}-${high}`;
  };
  return `${spread(raw)} / ${spread(stack)}${same ? '' : '  DIFFER'}`;
}
