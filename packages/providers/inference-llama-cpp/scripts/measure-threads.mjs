// Measures CPU generation speed of node-llama-cpp per thread count, on an idle machine and with
// one extra process spinning on a core (what a shared 2-core machine looks like). The README's
// thread rule comes from this script's output.
//
//   node scripts/measure-threads.mjs [model.gguf ...]
//
// Env: THREADS (default "1,2,3,4"), TOKENS (default 48), RUNS (default 3), BUSY (default "0,1").
import { fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLlama, LlamaCompletion } from 'node-llama-cpp';

if (process.argv[2] === '--spin') {
  // A busy neighbour: one core, 100% user time, until killed.
  for (;;) {}
}

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.resolve(
  here,
  '../../../..',
  process.env.LLAMA_STACK_TS_TEST_MODELS ?? '../shared/models',
);
const models =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : [path.join(modelsDir, 'stories260K.gguf'), path.join(modelsDir, 'llama-2-tiny-random.gguf')];
const threadCounts = (process.env.THREADS ?? '1,2,3,4').split(',').map(Number);
const busyCounts = (process.env.BUSY ?? '0,1').split(',').map(Number);
const tokens = Number(process.env.TOKENS ?? 48);
const runs = Number(process.env.RUNS ?? 3);

// maxThreads 0: the context's `threads` is the number of threads llama.cpp really uses.
const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 0, logLevel: 'error' });
console.log(
  `cores (availableParallelism) ${availableParallelism()}, cpuMathCores ${llama.cpuMathCores}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('model\tbusy\tthreads\tmedian tok/s\tmedian ms/token\truns (tok/s)');

for (const modelPath of models) {
  const model = await llama.loadModel({ modelPath });
  for (const busy of busyCounts) {
    const spinners = Array.from({ length: busy }, () => fork(fileURLToPath(import.meta.url), ['--spin']));
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const threads of threadCounts) {
      const context = await model.createContext({ contextSize: 256, threads });
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const rates = [];
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        const { response } = await completion.generateCompletionWithMeta('Once upon a time', {
          maxTokens: tokens,
          temperature: 0,
        });
        const elapsed = performance.now() - started;
        const generated = model.tokenize(response).length;
        rates.push(generated / (elapsed / 1000));
      }
      rates.sort((a, b) => a - b);
      const median = rates[Math.floor(rates.length / 2)];
      console.log(
        `${path.basename(modelPath)}\t${busy}\t${threads}\t${median.toFixed(1)}\t${(1000 / median).toFixed(2)}\t${rates.map((r) => r.toFixed(1)).join(' ')}`,
      );
      await completion.dispose();
      await context.dispose();
    }
    // SIGKILL: a busy loop never returns to the event loop that would handle SIGTERM.
    for (const spinner of spinners) spinner.kill('SIGKILL');
  }
  await model.dispose();
}
await llama.dispose();
