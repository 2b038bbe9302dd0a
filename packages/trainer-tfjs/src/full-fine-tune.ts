import { writeLlamaModelGguf } from './llama-model-gguf-writer.js';
import { llamaNamedWeights } from './llama-weight-names.js';
import type { LlamaBlockWeights, LlamaWeights } from './llama-weights.js';
import type { ProjectionAdapter } from './projection-adapter.js';
import { materialize, type ProjectionWeight } from './quantized-matrix.js';
import { tf } from './tfjs-engine.js';

/**
 * Full fine-tuning: a trainable f32 copy of every weight (quantized ones dequantized), each a
 * variable named by its GGUF tensor name. Its `weights` go to the forward pass and the trainer
 * with the fine-tune itself as the adapter, whose projections are plain `x W^T`.
 */
export class FullFineTune implements ProjectionAdapter {
  private constructor(
    readonly weights: LlamaWeights,
    readonly named: ReadonlyMap<string, tf.Variable>,
  ) {}

  static create(base: LlamaWeights): FullFineTune {
    const named = new Map<string, tf.Variable>();
    const copies = new Map<tf.Tensor | ProjectionWeight, tf.Variable>();
    for (const [name, weight] of llamaNamedWeights(base)) {
      const initial = tf.tidy(() => materialize(weight as ProjectionWeight).clone());
      const variable = tf.variable(initial, true, name);
      initial.dispose();
      named.set(name, variable);
      copies.set(weight, variable);
    }
    const copy = <T extends tf.Tensor>(weight: tf.Tensor | ProjectionWeight) =>
      copies.get(weight) as unknown as T;
    const blocks = base.blocks.map(
      (block): LlamaBlockWeights => ({
        attnNorm: copy(block.attnNorm),
        ffnNorm: copy(block.ffnNorm),
        projections: Object.fromEntries(
          Object.entries(block.projections).map(([name, weight]) => [name, copy(weight)]),
        ) as LlamaBlockWeights['projections'],
      }),
    );
    const weights: LlamaWeights = {
      hyperparameters: base.hyperparameters,
      tokenEmbedding: copy<tf.Tensor2D>(base.tokenEmbedding),
      blocks,
      outputNorm: copy(base.outputNorm),
      // A tied head stays tied: the embedding's variable serves both.
      output: copy<tf.Tensor2D>(base.output),
    };
    return new FullFineTune(weights, named);
  }

  get variables(): tf.Variable[] {
    return [...this.named.values()];
  }

  project(x: tf.Tensor2D, _name: string, weight: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(x, weight, false, true) as tf.Tensor2D;
  }

  /** Writes the fine-tuned model as a GGUF with `basePath`'s metadata and every weight in f32. */
  async writeGguf(path: string, basePath: string): Promise<void> {
    await writeLlamaModelGguf(path, basePath, this.named);
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
