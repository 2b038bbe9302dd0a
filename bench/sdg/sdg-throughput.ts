/**
 * What a synthetic data generation run costs next to the generation alone, in one run:
 * `POST /synthetic_data_generation/generate` on `llama-stack-ts run local` (the built command, the
 * distribution's defaults: k candidates per prompt from its chat model, sampled at the provider's
 * default temperature and max_tokens, scored by `judge`, the same model under a grammar), against
 * raw node-llama-cpp in this process generating the same number of sequences (prompts x k) for the
 * same prompts, with the same sampling and token budget, on a context with the same settings
 * (threads, context, batch, parallel sequences) as the distribution's provider reports.
 *
 *   generated tokens/s of the SDG run / generated tokens/s of raw node-llama-cpp. Target >= 0.85.
 *
 * Scoring is work raw does not do (each candidate is read again by the judge), so the run also
 * prints where the rest goes: the time the run spent with some generation in flight, with some
 * scoring in flight, and with scoring alone; and the SDG run's rate over its generation time only.
 * Raw and SDG alternate round by round (which goes first flips), the ratio is the median of the
 * rounds'.
 *
 *   pnpm --filter @llama-stack-ts/bench run sdg
 *   pnpm --filter @llama-stack-ts/bench run sdg -- --prompts 64 --k 4 --runs 3 --check
 *
 * `--cpu-prof <dir>` writes a V8 CPU profile of the stack's process there. `--check` exits 1 when
 * the ratio misses its target. Models: stories260K.gguf and synthetic/tiny-random-bert-embedder
 * from LLAMA_STACK_TS_TEST_MODELS (default ../shared/models).
 */
import { request as httpRequest } from 'node:http';
import type { SyntheticDataStatistics } from '@llama-stack-ts/core';
import { SyntheticDataConfig } from '@llama-stack-ts/provider-synthetic-data-reference';
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
  prompts: { type: 'string', default: '64' },
  k: { type: 'string', default: '4' },
  runs: { type: 'string', default: '3' },
  'timeout-ms': { type: 'string', default: '120000' },
  ...cpuProfOption,
  check: { type: 'boolean', default: false },
});
const {
  prompts: promptCount,
  k,
  runs,
} = integerFlags({ prompts: values.prompts, k: values.k, runs: values.runs });
const { modelPath, embeddingModel } = stackModelPaths(values);
requireBuiltCli('sdg');

const target = 0.85;
/** What the distribution's provider uses when a request leaves them out (its config's defaults). */
const defaults = SyntheticDataConfig.parse({});
/** The stack's chat requests sample with top_p at the request's default nucleus, top_k off (its default 0). */
const topP = 0.95;
const subjects = [
  'a cat',
  'a dog',
  'a little girl',
  'a boat',
  'the sun',
  'a tree',
  'a bird',
  'a big red ball',
];
const prompts = Array.from(
  { length: promptCount },
  (_, index) => `Tell me a story about ${subjects[index % subjects.length]} (number ${index + 1}).`,
);

interface Round {
  raw: { tokens: number; ms: number };
  sdg: { tokens: number; ms: number; statistics: SyntheticDataStatistics; syntheticData: ScoredPrompt[] };
  /** The same candidates scored again by `judge` alone, through POST /reward_scoring/score. */
  judgeMs: number;
}

interface ScoredPrompt {
  prompt: { role: string; content: unknown };
  k_scored_generations: { message: unknown; score: number }[];
}

await using stack = await startLocalDistribution({
  model: modelPath,
  embeddingModel,
  timeoutMs: Number(values['timeout-ms']),
  nodeFlags: cpuProfNodeFlags(values['cpu-prof']),
});
await using raw = await RawLlamaCpp.open(stack.settings);
const candidates = promptCount * k;
if (candidates > defaults.max_candidates_in_request) {
  console.error(
    `${candidates} candidates would be queued as a job (max_candidates_in_request ${defaults.max_candidates_in_request}); ` +
      'set LLAMA_STACK_TS_SDG_MAX_CANDIDATES_IN_REQUEST above it.',
  );
  process.exit(1);
}

console.log(
  `stack: node ${llamaStackTsCli} run local (pid ${stack.pid}, ${stack.url}): generation model '${stack.modelId}', reward model 'judge'\n` +
    `raw:   node-llama-cpp in this process (pid ${process.pid})\n` +
    `both:  ${stack.settings.modelPath}\n       ${formatSettings(stack.settings)}\n` +
    `${promptCount} prompts x k = ${k}: ${candidates} sequences a side, temperature ${defaults.temperature}, top_p ${topP}, ` +
    `at most ${defaults.max_tokens} tokens each; ${runs} alternating rounds (after a 4-prompt warm-up)\n`,
);

async function rawRun(round: number, runPrompts: readonly string[] = prompts): Promise<Round['raw']> {
  const started = performance.now();
  const streams = await Promise.all(
    runPrompts.flatMap((prompt, index) =>
      Array.from({ length: k }, (_, candidate) =>
        raw.chat(prompt, defaults.max_tokens, {
          temperature: defaults.temperature,
          // The stack's requests leave top_k at 0 (off); node-llama-cpp alone would keep the 40 most likely.
          topK: 0,
          topP,
          seed: round * candidates + index * k + candidate,
          repeatPenalty: false,
        }),
      ),
    ),
  );
  return { tokens: streams.reduce((total, run) => total + run.tokens, 0), ms: performance.now() - started };
}

/** POSTs JSON with no time limit: a run holds its request open for minutes on a busy machine (fetch gives up after 300 s). */
function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolvePost, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolvePost({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

async function sdgRun(round: number, runPrompts: readonly string[] = prompts): Promise<Round['sdg']> {
  const started = performance.now();
  const response = await postJson(`${stack.url}/synthetic_data_generation/generate`, {
    prompts: runPrompts.map((content) => ({ role: 'user', content })),
    filtering_function: 'none',
    options: { k, seed: round },
  });
  const ms = performance.now() - started;
  const { statistics, synthetic_data: syntheticData = [] } = response.body as {
    statistics?: SyntheticDataStatistics;
    synthetic_data?: ScoredPrompt[];
  };
  if (response.status !== 200 || !statistics) {
    throw new Error(`generate answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return { tokens: statistics.tokens_generated, ms, statistics, syntheticData };
}

/** How long `judge` takes to score a run's candidates on its own (filtering none kept them all). */
async function judgeRun(syntheticData: readonly ScoredPrompt[]): Promise<number> {
  const started = performance.now();
  const response = await postJson(`${stack.url}/reward_scoring/score`, {
    model: 'judge',
    prompt_generations: syntheticData.map((entry) => ({
      dialog: { message: entry.prompt },
      k_generations: entry.k_scored_generations.map((generation) => generation.message),
    })),
  });
  if (response.status !== 200)
    throw new Error(`score answered ${response.status}: ${JSON.stringify(response.body)}`);
  return performance.now() - started;
}

const perSecond = (run: { tokens: number; ms: number }) => (run.tokens / run.ms) * 1000;

// Warm-up: both sides load and fill their sequences once, on a few prompts.
const warmUp = prompts.slice(0, 4);
await rawRun(0, warmUp);
await sdgRun(0, warmUp);
const rounds: Round[] = [];
for (let round = 1; round <= runs; round++) {
  const first = round % 2 === 1 ? 'raw' : 'sdg';
  const result = {} as Round;
  if (first === 'raw') result.raw = await rawRun(round);
  result.sdg = await sdgRun(round);
  if (first === 'sdg') result.raw = await rawRun(round);
  result.judgeMs = await judgeRun(result.sdg.syntheticData);
  rounds.push(result);
  const { statistics } = result.sdg;
  console.log(
    `round ${round}: SDG ${perSecond(result.sdg).toFixed(0)} tok/s (${result.sdg.tokens} tokens in ${result.sdg.ms.toFixed(0)} ms), ` +
      `raw ${perSecond(result.raw).toFixed(0)} tok/s (${result.raw.tokens} tokens in ${result.raw.ms.toFixed(0)} ms), ` +
      `ratio ${(perSecond(result.sdg) / perSecond(result.raw)).toFixed(3)}; ` +
      `generating ${statistics.generation_ms.toFixed(0)} ms, scoring ${statistics.scoring_ms.toFixed(0)} ms; ` +
      `the judge alone on the same ${candidates} candidates: ${result.judgeMs.toFixed(0)} ms`,
  );
}

const ratio = median(rounds.map((round) => perSecond(round.sdg) / perSecond(round.raw)));
const generationRatio = median(
  rounds.map(
    (round) => ((round.sdg.tokens / round.sdg.statistics.generation_ms) * 1000) / perSecond(round.raw),
  ),
);
const share = (figure: (round: Round) => number) =>
  median(rounds.map((round) => figure(round) / round.sdg.ms));
const generatingShare = share((round) => round.sdg.statistics.generation_ms);
const scoringShare = share((round) => round.sdg.statistics.scoring_ms);
const scoringAloneShare = share((round) =>
  Math.max(0, round.sdg.statistics.wall_time_ms - round.sdg.statistics.generation_ms),
);
const outsideShare = share((round) => round.sdg.ms - round.sdg.statistics.wall_time_ms);
// Generation alone (raw's time) plus the judge alone, next to the run that does both.
const sequentialRatio = median(rounds.map((round) => (round.raw.ms + round.judgeMs) / round.sdg.ms));
const judgeToGeneration = median(rounds.map((round) => round.judgeMs / round.raw.ms));
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

console.log(
  `\nSDG generated tokens/s / raw node-llama-cpp: ${ratio.toFixed(3)} (target >= ${target}) ${ratio >= target ? 'ok' : 'MISSED'}\n` +
    "where the SDG run's time goes (median share of its wall time):\n" +
    `  some generation in flight:          ${percent(generatingShare)}  (over that time alone: ${generationRatio.toFixed(3)} of raw)\n` +
    `  some scoring in flight (judge):     ${percent(scoringShare)}  (overlapping generation for part of it)\n` +
    `  scoring alone, nothing generating:  ${percent(scoringAloneShare)}\n` +
    `  outside the run (HTTP, parsing):    ${percent(outsideShare)}\n` +
    `the judge alone takes ${judgeToGeneration.toFixed(2)}x raw's generation time on the same candidates (it reads each one, ` +
    `after the rubric); raw generation + the judge alone, one after the other, take ${sequentialRatio.toFixed(2)} of the run's time`,
);
if (values.check && ratio < target) process.exitCode = 1;
