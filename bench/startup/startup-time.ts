/**
 * Time from `llama-stack-ts run <distribution>` to the first 200 from `GET /health`, over several
 * fresh starts (each with its own empty LLAMA_STACK_TS_HOME), against the same measure for a bare
 * `node:http` server, the floor any Node command starts from. Prints each run, the medians and
 * their ratio. The target: a median under 2 s for `local`.
 *
 *   pnpm --filter @llama-stack-ts/bench run startup                 # 5 runs of `local`
 *   pnpm --filter @llama-stack-ts/bench run startup -- --runs 9 --distribution ./my.yaml --check
 *
 * `--check` exits 1 when the median misses the target. The command runs from dist/ (the package
 * script builds it first), as users run it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@llama-stack-ts/provider-utils';
import { integerFlags, parseBenchArgs } from '../bench-options.js';
import { llamaStackTsCli, requireBuiltCli } from '../llama-stack-ts-cli.js';
import { median } from '../median.js';

const values = parseBenchArgs({
  runs: { type: 'string', default: '5' },
  distribution: { type: 'string', default: 'local' },
  'target-ms': { type: 'string', default: '2000' },
  'timeout-ms': { type: 'string', default: '60000' },
  check: { type: 'boolean', default: false },
});
const { runs } = integerFlags({ runs: values.runs });
const targetMs = Number(values['target-ms']);
const timeoutMs = Number(values['timeout-ms']);

requireBuiltCli('startup');

// The bare floor: node starting and answering one route, with no imports to speak of.
const bareServer =
  "require('node:http').createServer((_, response) => response.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')";

interface Start {
  /** Milliseconds from spawn to the first 200 from /health. */
  firstOkMs: number;
  /** Milliseconds from spawn to the `listening on` line (the stack only). */
  listeningMs?: number;
}

async function measure(launch: (port: number, home: string) => ChildProcess): Promise<Start> {
  const port = await freePort();
  const home = await mkdtemp(join(tmpdir(), 'lsts-bench-startup-'));
  const started = performance.now();
  const child = launch(port, home);
  let output = '';
  let listeningMs: number | undefined;
  const collect = (text: string) => {
    output += text;
    if (listeningMs === undefined && output.includes('listening on'))
      listeningMs = performance.now() - started;
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exit.then((code) => {
    exited = code;
  });
  try {
    for (;;) {
      const elapsed = performance.now() - started;
      if (exited !== undefined)
        throw new Error(`the process exited (${exited}) before /health answered:\n${output}`);
      if (elapsed > timeoutMs) throw new Error(`no 200 from /health within ${timeoutMs} ms:\n${output}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`, {
          signal: AbortSignal.timeout(1_000),
        });
        await response.arrayBuffer();
        if (response.status === 200) {
          return {
            firstOkMs: performance.now() - started,
            ...(listeningMs === undefined ? {} : { listeningMs }),
          };
        }
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    // The stack shuts down on SIGINT and must exit 0; a hang or a failure is worth knowing.
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exit;
    clearTimeout(killer);
    if (code !== 0 && code !== null && exited === undefined) {
      process.stderr.write(`warning: the process exited with ${code} after SIGINT:\n${output}\n`);
    }
    await rm(home, { recursive: true, force: true });
  }
}

const format = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

process.stdout.write(
  `startup: \`llama-stack-ts run ${values.distribution}\` to the first 200 from /health, ${runs} runs (node ${process.version})\n`,
);
const stack: Start[] = [];
const bare: Start[] = [];
for (let run = 1; run <= runs; run++) {
  // Interleaved, so both see the same machine load (this machine is shared and noisy).
  const baseline = await measure((port) =>
    spawn(process.execPath, ['-e', bareServer, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const result = await measure((port, home) =>
    spawn(process.execPath, [llamaStackTsCli, 'run', values.distribution, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LLAMA_STACK_TS_HOME: home },
    }),
  );
  bare.push(baseline);
  stack.push(result);
  process.stdout.write(
    `  run ${String(run).padStart(2)}: stack ${format(result.firstOkMs)}` +
      ` (listening line ${result.listeningMs === undefined ? '     -' : format(result.listeningMs)})` +
      `   bare node:http ${format(baseline.firstOkMs)}\n`,
  );
}

const stackMedian = median(stack.map((start) => start.firstOkMs));
const bareMedian = median(bare.map((start) => start.firstOkMs));
const met = stackMedian < targetMs;
process.stdout.write(
  `median time to first 200: ${stackMedian.toFixed(0)} ms (bare node:http ${bareMedian.toFixed(0)} ms, ratio ${(
    stackMedian / bareMedian
  ).toFixed(1)}x)\n` + `target: under ${targetMs} ms: ${met ? 'met' : 'MISSED'}\n`,
);
if (values.check && !met) process.exitCode = 1;
