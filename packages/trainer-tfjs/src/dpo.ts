import type { LlamaModel } from 'node-llama-cpp';
import { targetLogProbabilities } from './causal-lm-loss.js';
import { llamaLogits } from './llama-forward.js';
import type { LlamaWeights } from './llama-weights.js';
import {
  type LoraTrainingSettings,
  type TrainingExample,
  type TrainingHooks,
  type TrainingStep,
  trainVariables,
} from './lora-trainer.js';
import type { ProjectionAdapter } from './projection-adapter.js';
import { tf } from './tfjs-engine.js';

/** A prompt's preferred and dispreferred responses; each `lossMask` marks the response's tokens. */
export interface PreferencePair {
  chosen: TrainingExample;
  rejected: TrainingExample;
}

/** Llama Stack's DPOLossType, less kto_pair: how the reward margin h becomes a loss. */
export type DpoLossType = 'sigmoid' | 'hinge' | 'ipo';

export interface DpoTrainingSettings extends LoraTrainingSettings {
  /** DPOAlignmentConfig.beta: how far the policy may move from the reference (larger: less). */
  beta: number;
  /** sigmoid (DPO, the default): -log σ(β h); hinge: max(0, 1 - β h); ipo: (h - 1 / 2β)². */
  lossType?: DpoLossType;
}

/** BOS, the prompt's and the response's tokens, with the response's marked. */
function responseExample(model: LlamaModel, prompt: string, response: string): TrainingExample {
  const bos = model.tokens.bos === null ? [] : [Number(model.tokens.bos)];
  const tokens = [...bos, ...model.tokenize(prompt + response).map(Number)];
  const promptTokens = [...bos, ...model.tokenize(prompt).map(Number)];
  // Tokenized together, the prompt's last token may merge into the response's first: the
  // response starts where the two tokenizations part.
  let start = 0;
  while (start < promptTokens.length && tokens[start] === promptTokens[start]) start++;
  if (start >= tokens.length) throw new Error(`the response ${JSON.stringify(response)} has no tokens`);
  return { tokens, lossMask: tokens.map((_, position) => (position >= start ? 1 : 0)) };
}

/** A preference pair from text, tokenized by `model` (node-llama-cpp, the served model's tokenizer). */
export function preferencePair(
  model: LlamaModel,
  prompt: string,
  chosen: string,
  rejected: string,
): PreferencePair {
  return {
    chosen: responseExample(model, prompt, chosen),
    rejected: responseExample(model, prompt, rejected),
  };
}

/** Sum of log p(token) over the tokens `example.lossMask` marks (all after the first when absent). */
export function sequenceLogProbability(
  weights: LlamaWeights,
  example: TrainingExample,
  adapter?: ProjectionAdapter,
): tf.Scalar {
  const logits = llamaLogits(weights, example.tokens.slice(0, -1), adapter);
  const mask = (example.lossMask ?? example.tokens.map(() => 1)).slice(1);
  return tf.sum(tf.mul(targetLogProbabilities(logits, example.tokens), tf.tensor1d([...mask])));
}

/** log p(chosen) - log p(rejected) of each pair's responses, under `adapter` (the base without). */
export function preferenceMargins(
  weights: LlamaWeights,
  adapter: ProjectionAdapter | undefined,
  pairs: readonly PreferencePair[],
): number[] {
  return pairs.map((pair) =>
    tf.tidy(
      () =>
        tf
          .sub(
            sequenceLogProbability(weights, pair.chosen, adapter),
            sequenceLogProbability(weights, pair.rejected, adapter),
          )
          .dataSync()[0] as number,
    ),
  );
}

function preferenceLoss(h: tf.Scalar, beta: number, lossType: DpoLossType): tf.Scalar {
  if (lossType === 'hinge') return tf.relu(tf.sub(1, tf.mul(h, beta))) as tf.Scalar;
  if (lossType === 'ipo') return tf.square(tf.sub(h, 1 / (2 * beta))) as tf.Scalar;
  return tf.softplus(tf.mul(h, -beta)) as tf.Scalar;
}

/**
 * Direct preference optimization of `adapter` (LoRA, DoRA or a full fine-tune): the loss of each
 * pair is that of h = (log π(chosen) - log π_ref(chosen)) - (log π(rejected) - log π_ref(rejected)),
 * log-probabilities summed over the response tokens. The reference π_ref is the base, `weights`
 * without the adapter; its log-probabilities are computed once, before training. Batching,
 * schedule, shuffling, resume and hooks are trainLora's; a step's `loss` is the preference loss.
 */
export async function trainDpo(
  weights: LlamaWeights,
  adapter: ProjectionAdapter,
  pairs: readonly PreferencePair[],
  settings: DpoTrainingSettings,
  hooks: TrainingHooks = {},
): Promise<TrainingStep[]> {
  if (!(settings.beta > 0)) throw new RangeError('beta must be > 0');
  const lossType = settings.lossType ?? 'sigmoid';
  const referenced = pairs.map((pair) => ({
    pair,
    referenceMargin: preferenceMargins(weights, undefined, [pair])[0] as number,
  }));
  return trainVariables(
    adapter.variables,
    referenced,
    {
      loss: ({ pair, referenceMargin }) => {
        const policyMargin = tf.sub(
          sequenceLogProbability(weights, pair.chosen, adapter),
          sequenceLogProbability(weights, pair.rejected, adapter),
        );
        return preferenceLoss(tf.sub(policyMargin, referenceMargin) as tf.Scalar, settings.beta, lossType);
      },
      tokens: ({ pair }) => pair.chosen.tokens.length + pair.rejected.tokens.length - 2,
    },
    settings,
    hooks,
  );
}
