/**
 * The trainer's throughput on each TensorFlow.js backend, in one run:
 *
 * - a square GEMM (the engine's best case) and a small MLP training step (forward, backward and
 *   Adam, counted as 3x the forward matmul FLOPs): how the backends compare on raw work;
 * - LoRA training tokens/s on stories260K (q/k/v/o, MLP and output adapters, AdamW), and its
 *   achieved GFLOP/s (3x the forward FLOPs per token) as a ratio of the same backend's GEMM: how
 *   close the trainer gets to what its engine can do.
 *
 *   pnpm --filter @llama-stack-ts/bench run train
 *   pnpm --filter @llama-stack-ts/bench run train -- --size 1024 --steps 20
 *
 * Model: stories260K.gguf from LLAMA_STACK_TS_TEST_MODELS (default ../shared/models).
 */
import {
  disposeLlamaWeights,
  type LlamaWeights,
  LoraAdapter,
  loadLlamaWeights,
  type TfjsBackendName,
  tf,
  trainLora,
  useTfjsBackend,
} from '@llama-stack-ts/trainer-tfjs';
import { getLlama } from 'node-llama-cpp';
import { integerFlags, parseBenchArgs, stackModelOptions } from '../bench-options.js';
import { requireModelFolders } from '../test-models.js';

const values = parseBenchArgs({
  size: { type: 'string', default: '512' },
  steps: { type: 'string', default: '10' },
  model: stackModelOptions.model,
});
const { size, steps } = integerFlags({ size: values.size, steps: values.steps });
requireModelFolders([values.model]);

const gflops = (flopsPerSecond: number) => (flopsPerSecond / 1e9).toFixed(2);

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

function timeMlpStep(): number {
  const [batch, input, hidden, output] = [64, 256, 1024, 256];
  const w1 = tf.variable(tf.randomNormal([input, hidden], 0, 0.05));
  const w2 = tf.variable(tf.randomNormal([hidden, output], 0, 0.05));
  const x = tf.randomNormal([batch, input]);
  const y = tf.randomNormal([batch, output]);
  const optimizer = tf.train.adam(1e-3);
  const step = () =>
    tf.tidy(() => {
      optimizer
        .minimize(() => tf.losses.meanSquaredError(y, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)), true)
        ?.dataSync();
    });
  step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([w1, w2, x, y]);
  optimizer.dispose();
  return (3 * 2 * batch * (input * hidden + hidden * output) * steps) / seconds;
}

/** Forward FLOPs of one token at position `position`: every projection, the output head and attention. */
function forwardFlopsPerToken(weights: LlamaWeights, position: number): number {
  const hp = weights.hyperparameters;
  const matrices = weights.blocks.flatMap((block) => Object.values(block.projections)).concat(weights.output);
  const projections = matrices.reduce((sum, matrix) => sum + 2 * matrix.shape[0] * matrix.shape[1], 0);
  const attention = hp.blockCount * 2 * 2 * (position + 1) * hp.headCount * hp.headDimension;
  return projections + attention;
}

async function timeLoraTraining(weights: LlamaWeights, examples: { tokens: number[] }[]) {
  const adapter = LoraAdapter.create(
    weights,
    {
      rank: 8,
      alpha: 16,
      attnModules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
      applyToMlp: true,
      applyToOutput: true,
    },
    1,
  );
  const settings = {
    optimizer: { kind: 'adamw' as const, lr: 1e-3, lrMin: 1e-4, weightDecay: 0.01 },
    nEpochs: 1,
    batchSize: 1,
    shuffle: false,
    seed: 0,
  };
  await trainLora(weights, adapter, examples.slice(0, 1), settings);
  const start = performance.now();
  const done = await trainLora(weights, adapter, examples, settings);
  const seconds = (performance.now() - start) / 1000;
  adapter.dispose();
  const tokens = done.reduce((sum, step) => sum + step.tokens, 0);
  const flops = examples.reduce(
    (sum, example) =>
      sum +
      example.tokens
        .slice(1)
        .reduce((inner, _, position) => inner + 3 * forwardFlopsPerToken(weights, position), 0),
    0,
  );
  return { tokensPerSecond: tokens / seconds, flopsPerSecond: flops / seconds };
}

const llama = await getLlama({ gpu: false, build: 'never' });
const model = await llama.loadModel({ modelPath: values.model, gpuLayers: 0 });
const text =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the sun. One day, she saw a big red ball in the park and ran to get it.';
const bos = model.tokens.bos;
const examples = Array.from({ length: steps }, (_, i) => ({
  tokens: [...(bos === null ? [] : [bos]), ...model.tokenize(text.slice(i % 7))].map(Number),
}));
await model.dispose();

for (const backend of ['wasm', 'cpu'] satisfies TfjsBackendName[]) {
  await useTfjsBackend(backend);
  const weights = await loadLlamaWeights(values.model);
  const gemm = timeGemm();
  const mlp = timeMlpStep();
  const lora = await timeLoraTraining(weights, examples);
  console.log(
    `${backend}: GEMM ${size}x${size} ${gflops(gemm)} GFLOP/s; MLP training step ${gflops(mlp)} GFLOP/s; ` +
      `stories260K LoRA training ${lora.tokensPerSecond.toFixed(0)} tokens/s, ${gflops(lora.flopsPerSecond)} GFLOP/s = ` +
      `${((lora.flopsPerSecond / gemm) * 100).toFixed(1)}% of GEMM`,
  );
  disposeLlamaWeights(weights);
}
