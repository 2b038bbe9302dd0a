import { setImmediate } from 'node:timers/promises';
import { causalLmLoss } from './causal-lm-loss.js';
import { cosineLearningRate } from './learning-rate-schedule.js';
import { llamaLogits } from './llama-forward.js';
import type { LlamaWeights } from './llama-weights.js';
import { Optimizer, type OptimizerSettings, type OptimizerState } from './optimizer.js';
import type { ProjectionAdapter } from './projection-adapter.js';
import { seededShuffle } from './seeded-shuffle.js';
import { tf } from './tfjs-engine.js';

/** One training sequence: BOS and tokens; `lossMask` marks the targets that count (all when absent). */
export interface TrainingExample {
  tokens: readonly number[];
  lossMask?: readonly number[];
}

export interface LoraTrainingSettings {
  optimizer: OptimizerSettings & { lr: number; lrMin: number; warmupSteps?: number };
  nEpochs: number;
  /** Examples per optimizer step; each is run on its own and its gradient accumulated, so any size fits. */
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** Caps optimizer steps per epoch (Llama Stack's max_steps_per_epoch). */
  maxStepsPerEpoch?: number;
}

export interface TrainingStep {
  step: number;
  epoch: number;
  /** Mean loss of the step's examples, before the update. */
  loss: number;
  lr: number;
  /** Tokens the step ran through the model. */
  tokens: number;
  seconds: number;
}

/** Where a resumed run starts: the optimizer steps a checkpoint holds and its optimizer's state. */
export interface TrainingResume {
  steps: number;
  optimizer: OptimizerState;
}

/** Optimizer steps a run of `exampleCount` examples takes. */
export function trainingStepCount(exampleCount: number, settings: LoraTrainingSettings): number {
  const stepsPerEpoch = Math.min(
    Math.ceil(exampleCount / settings.batchSize),
    settings.maxStepsPerEpoch ?? Number.POSITIVE_INFINITY,
  );
  return stepsPerEpoch * settings.nEpochs;
}

function exampleLoss(weights: LlamaWeights, adapter: ProjectionAdapter, example: TrainingExample): tf.Scalar {
  return causalLmLoss(
    llamaLogits(weights, example.tokens.slice(0, -1), adapter),
    example.tokens,
    example.lossMask,
  );
}

/** Mean loss over `examples` with the adapter as it stands (validation). */
export function meanLoss(
  weights: LlamaWeights,
  adapter: ProjectionAdapter,
  examples: readonly TrainingExample[],
): number {
  let total = 0;
  for (const example of examples)
    total += tf.tidy(() => exampleLoss(weights, adapter, example).dataSync()[0] as number);
  return total / examples.length;
}

/** Hooks of a training run: progress, cancellation, and where a resumed run starts. */
export interface TrainingHooks {
  onStep?: (step: TrainingStep, optimizer: Optimizer) => void | Promise<void>;
  signal?: AbortSignal;
  resume?: TrainingResume;
}

/**
 * Trains `adapter`'s variables on causal-LM loss (see `trainVariables`). `adapter` may be any
 * projection adapter: LoRA, DoRA, or a full fine-tune's plain projections over trainable weights.
 */
export async function trainLora(
  weights: LlamaWeights,
  adapter: ProjectionAdapter,
  examples: readonly TrainingExample[],
  settings: LoraTrainingSettings,
  hooks: TrainingHooks = {},
): Promise<TrainingStep[]> {
  return trainVariables(
    adapter.variables,
    examples,
    {
      loss: (example) => exampleLoss(weights, adapter, example),
      tokens: (example) => example.tokens.length - 1,
    },
    settings,
    hooks,
  );
}

/**
 * Trains `variables` on the mean of `objective.loss` over `items`: seeded shuffling per epoch,
 * batches by gradient accumulation, cosine learning rate from lr to lr_min over all steps. Yields
 * to the event loop between steps so a caller can stop it through `signal`. With `resume` (the
 * variables already hold the checkpoint's values) the steps it holds are skipped: the seeded order
 * makes the rest the same as in an uninterrupted run. `onStep` gets the optimizer, whose `state()`
 * a checkpoint saves.
 */
export async function trainVariables<Item>(
  variables: tf.Variable[],
  items: readonly Item[],
  objective: { loss: (item: Item) => tf.Scalar; tokens: (item: Item) => number },
  settings: LoraTrainingSettings,
  { onStep, signal, resume }: TrainingHooks = {},
): Promise<TrainingStep[]> {
  if (items.length === 0) throw new Error('no training examples');
  const totalSteps = trainingStepCount(items.length, settings);
  const stepsPerEpoch = totalSteps / settings.nEpochs;
  const optimizer = new Optimizer(variables, settings.optimizer);
  if (resume) optimizer.restore(resume.optimizer);
  const steps: TrainingStep[] = [];
  try {
    for (let epoch = 0; epoch < settings.nEpochs; epoch++) {
      const order = settings.shuffle ? seededShuffle(items, settings.seed + epoch) : [...items];
      for (let index = 0; index < stepsPerEpoch; index++) {
        const stepIndex = epoch * stepsPerEpoch + index;
        if (stepIndex < (resume?.steps ?? 0)) continue;
        signal?.throwIfAborted();
        const started = performance.now();
        const batch = order.slice(index * settings.batchSize, (index + 1) * settings.batchSize);
        const accumulated: Record<string, tf.Tensor> = {};
        let loss = 0;
        for (const item of batch) {
          const { value, grads } = tf.variableGrads(() => objective.loss(item), variables);
          loss += (value.dataSync()[0] as number) / batch.length;
          value.dispose();
          for (const [name, gradient] of Object.entries(grads)) {
            const previous = accumulated[name];
            accumulated[name] = tf.tidy(() => {
              const share = tf.div(gradient, batch.length);
              return previous ? tf.add(previous, share) : share;
            });
            previous?.dispose();
            gradient.dispose();
          }
        }
        const lr = cosineLearningRate(stepIndex, { ...settings.optimizer, totalSteps });
        optimizer.apply(accumulated, lr);
        tf.dispose(Object.values(accumulated));
        const step: TrainingStep = {
          step: stepIndex + 1,
          epoch,
          loss,
          lr,
          tokens: batch.reduce((sum, item) => sum + objective.tokens(item), 0),
          seconds: (performance.now() - started) / 1000,
        };
        steps.push(step);
        await onStep?.(step, optimizer);
        await setImmediate();
      }
    }
  } finally {
    optimizer.dispose();
  }
  return steps;
}
