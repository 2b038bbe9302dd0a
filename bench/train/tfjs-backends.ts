/**
 * Which TensorFlow.js backend the trainer should run on, by measurement: for each backend, a
 * square GEMM's throughput and a small MLP training step's (forward, backward and an Adam update,
 * counted as 3x the forward matmul FLOPs).
 *
 *   pnpm --filter @llama-stack-ts/bench run train-backends -- --size 512 --steps 10
 */
import { parseArgs } from 'node:util';
import { type TfjsBackendName, tf, useTfjsBackend } from '@llama-stack-ts/provider-post-training-tfjs';

const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: { size: { type: 'string', default: '512' }, steps: { type: 'string', default: '10' } },
});
const size = Number(values.size);
const steps = Number(values.steps);

function gflops(flops: number, seconds: number): string {
  return (flops / seconds / 1e9).toFixed(2);
}

function timeGemm(): number {
  const a = tf.randomNormal([size, size]);
  const b = tf.randomNormal([size, size]);
  tf.tidy(() => tf.matMul(a, b).dataSync());
  const start = performance.now();
  for (let i = 0; i < steps; i++) tf.tidy(() => tf.matMul(a, b).dataSync());
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([a, b]);
  return (2 * size ** 3 * steps) / seconds;
}

function timeTrainingStep(): number {
  const [batch, input, hidden, output] = [64, 256, 1024, 256];
  const w1 = tf.variable(tf.randomNormal([input, hidden], 0, 0.05));
  const w2 = tf.variable(tf.randomNormal([hidden, output], 0, 0.05));
  const x = tf.randomNormal([batch, input]);
  const y = tf.randomNormal([batch, output]);
  const optimizer = tf.train.adam(1e-3);
  const step = () =>
    tf.tidy(() => {
      const cost = optimizer.minimize(
        () => tf.losses.meanSquaredError(y, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)),
        true,
      );
      cost?.dataSync();
    });
  step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([w1, w2, x, y]);
  optimizer.dispose();
  return (3 * 2 * batch * (input * hidden + hidden * output) * steps) / seconds;
}

for (const backend of ['wasm', 'cpu'] satisfies TfjsBackendName[]) {
  await useTfjsBackend(backend);
  const gemm = timeGemm();
  const training = timeTrainingStep();
  console.log(
    `${backend}: GEMM ${size}x${size} ${gflops(gemm, 1)} GFLOP/s; MLP training step ${gflops(training, 1)} GFLOP/s`,
  );
}
