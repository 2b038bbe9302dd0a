import { blockTensorName, type LlamaBlockProjection, type LlamaWeights } from './llama-weights.js';
import type { ProjectionAdapter } from './projection-adapter.js';
import { tf } from './tfjs-engine.js';

/** A trainable variable holding `initial`'s values; `initial` itself is released. */
function variableFrom(initial: tf.Tensor2D, name: string): tf.Variable<tf.Rank.R2> {
  const variable = tf.variable(initial, true, name);
  initial.dispose();
  return variable;
}

/** Which projections get low-rank adapters, and their size; names follow Llama Stack's LoraFinetuningConfig. */
export interface LoraConfig {
  rank: number;
  alpha: number;
  /** Any of q_proj, k_proj, v_proj, output_proj. */
  attnModules: readonly LoraAttentionModule[];
  applyToMlp: boolean;
  applyToOutput: boolean;
}

export const loraAttentionModules = {
  q_proj: 'attn_q',
  k_proj: 'attn_k',
  v_proj: 'attn_v',
  output_proj: 'attn_output',
} as const satisfies Record<string, LlamaBlockProjection>;
export type LoraAttentionModule = keyof typeof loraAttentionModules;

const mlpProjections: LlamaBlockProjection[] = ['ffn_gate', 'ffn_up', 'ffn_down'];

/** W' = W + scale * B A, A `[rank, in]`, B `[out, rank]`: llama.cpp's `.lora_a` / `.lora_b` pair. */
export interface LoraPair {
  a: tf.Variable<tf.Rank.R2>;
  b: tf.Variable<tf.Rank.R2>;
}

/**
 * Low-rank adapters keyed by the GGUF name of the weight they adapt. `scale` is alpha / rank,
 * as llama.cpp applies an adapter loaded at scale 1 (llm_build_lora_mm).
 */
export class LoraAdapter implements ProjectionAdapter {
  readonly pairs: Map<string, LoraPair>;
  readonly scale: number;

  constructor(
    readonly config: LoraConfig,
    pairs: Map<string, LoraPair>,
  ) {
    if (!(config.rank >= 1) || !Number.isInteger(config.rank))
      throw new RangeError('rank must be an integer >= 1');
    if (!(config.alpha > 0)) throw new RangeError('alpha must be > 0');
    this.pairs = pairs;
    this.scale = config.alpha / config.rank;
  }

  /**
   * Fresh adapters for `weights`: A drawn uniformly in ±1/sqrt(in) from `seed` (PEFT's Kaiming-uniform
   * bound), B zero, so the adapted model starts as the base.
   */
  static create(weights: LlamaWeights, config: LoraConfig, seed: number): LoraAdapter {
    const targets: [string, { shape: [number, number] }][] = [];
    const projections: LlamaBlockProjection[] = [
      ...config.attnModules.map((module) => loraAttentionModules[module]),
      ...(config.applyToMlp ? mlpProjections : []),
    ];
    weights.blocks.forEach((block, index) => {
      for (const projection of projections)
        targets.push([blockTensorName(index, projection), block.projections[projection]]);
    });
    if (config.applyToOutput) targets.push(['output.weight', weights.output]);
    const pairs = new Map<string, LoraPair>();
    targets.forEach(([name, weight], index) => {
      const [out, input] = weight.shape;
      const bound = 1 / Math.sqrt(input);
      pairs.set(name, {
        a: variableFrom(
          tf.randomUniform([config.rank, input], -bound, bound, 'float32', seed + index),
          `${name}.lora_a`,
        ),
        b: variableFrom(tf.zeros([out, config.rank]), `${name}.lora_b`),
      });
    });
    return new LoraAdapter(config, pairs);
  }

  get variables(): tf.Variable[] {
    return [...this.pairs.values()].flatMap((pair) => [pair.a, pair.b]);
  }

  /** x W^T plus, when `name` is adapted, scale * (x A^T) B^T; `x` is `[tokens, in]`. */
  project(x: tf.Tensor2D, name: string, weight: tf.Tensor2D): tf.Tensor2D {
    const base = tf.matMul(x, weight, false, true) as tf.Tensor2D;
    const pair = this.pairs.get(name);
    if (!pair) return base;
    const delta = tf.matMul(tf.matMul(x, pair.a, false, true), pair.b, false, true);
    return tf.add(base, tf.mul(delta, this.scale)) as tf.Tensor2D;
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
