import { writeLlamaModelGguf } from './llama-model-gguf-writer.js';
import { llamaNamedWeights } from './llama-weight-names.js';
import type { LlamaWeights } from './llama-weights.js';
import { LoraAdapter, type LoraConfig, type LoraPair } from './lora.js';
import type { ProjectionAdapter } from './projection-adapter.js';
import { materialize, type ProjectionWeight } from './quantized-matrix.js';
import { tf } from './tfjs-engine.js';

/** Each output row's L2 norm of an `[out, in]` matrix: `[out]`. */
function rowNorms(matrix: tf.Tensor2D): tf.Tensor1D {
  return tf.sqrt(tf.sum(tf.square(matrix), 1)) as tf.Tensor1D;
}

/**
 * DoRA (weight-decomposed low-rank adaptation, Liu et al. 2024): each adapted `[out, in]` weight
 * becomes W' = m * V / ||V||, with V = W0 + (alpha / rank) B A the LoRA direction and ||V|| and m
 * per output feature (a row here, a column in the paper's `[in, out]`). m starts at ||W0||, B at
 * zero, so training starts from the base. The norm is differentiated through, not detached as
 * PEFT does to save memory: the gradients are exact. llama.cpp adapters cannot carry m, so the
 * result is exported merged into a full GGUF.
 */
export class DoraAdapter implements ProjectionAdapter {
  private constructor(
    readonly lora: LoraAdapter,
    /** `[out]` per adapted weight, by GGUF name. */
    readonly magnitudes: ReadonlyMap<string, tf.Variable<tf.Rank.R1>>,
  ) {}

  /** Adapts the modules `config` names, as LoRA would, from `seed` as LoraAdapter.create draws A. */
  static create(weights: LlamaWeights, config: LoraConfig, seed: number): DoraAdapter {
    const lora = LoraAdapter.create(weights, config, seed);
    const named = llamaNamedWeights(weights);
    const magnitudes = new Map<string, tf.Variable<tf.Rank.R1>>();
    for (const name of lora.pairs.keys()) {
      // A tied output head is the token embedding, which the named weights list under its own name.
      const weight = (named.get(name) ?? weights.output) as ProjectionWeight;
      const norms = tf.tidy(() => rowNorms(materialize(weight)));
      magnitudes.set(name, tf.variable(norms, true, `${name}.dora_m`));
      norms.dispose();
    }
    return new DoraAdapter(lora, magnitudes);
  }

  get variables(): tf.Variable[] {
    return [...this.lora.variables, ...this.magnitudes.values()];
  }

  /** W' of the adapted weight `name`, whose base is `weight`. */
  #merged(name: string, pair: LoraPair, weight: tf.Tensor2D): tf.Tensor2D {
    const direction = tf.add(weight, tf.mul(tf.matMul(pair.b, pair.a), this.lora.scale)) as tf.Tensor2D;
    const magnitude = this.magnitudes.get(name) as tf.Variable<tf.Rank.R1>;
    return tf.mul(direction, tf.expandDims(tf.div(magnitude, rowNorms(direction)), 1));
  }

  project(x: tf.Tensor2D, name: string, weight: tf.Tensor2D): tf.Tensor2D {
    const pair = this.lora.pairs.get(name);
    const matrix = pair ? this.#merged(name, pair, weight) : weight;
    return tf.matMul(x, matrix, false, true) as tf.Tensor2D;
  }

  /**
   * Writes the base at `basePath` (whose weights are `weights`) with every adapted weight replaced
   * by its merged W' in f32: a full GGUF llama.cpp serves without an adapter.
   */
  async writeMergedGguf(path: string, basePath: string, weights: LlamaWeights): Promise<void> {
    const named = llamaNamedWeights(weights);
    const merged = new Map<string, tf.Tensor>();
    try {
      for (const [name, pair] of this.lora.pairs) {
        const weight = (named.get(name) ?? weights.output) as ProjectionWeight;
        merged.set(
          name,
          tf.tidy(() => this.#merged(name, pair, materialize(weight))),
        );
      }
      await writeLlamaModelGguf(path, basePath, merged);
    } finally {
      tf.dispose([...merged.values()]);
    }
  }

  dispose(): void {
    this.lora.dispose();
    tf.dispose([...this.magnitudes.values()]);
  }
}
