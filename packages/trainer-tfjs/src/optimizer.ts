import { tf } from './tfjs-engine.js';

/** What a checkpoint keeps of an optimizer: its step count and moments, in its variables' order. */
export interface OptimizerState {
  step: number;
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

/** Llama Stack's OptimizerType. */
export type OptimizerKind = 'adam' | 'adamw' | 'sgd';

export interface OptimizerSettings {
  kind: OptimizerKind;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam, AdamW or SGD over a fixed set of variables, taking the learning rate at each step (the
 * schedule lives outside). Weight decay follows PyTorch: Adam and SGD add wd * p to the gradient,
 * AdamW shrinks p by lr * wd before its update. Moments are plain tensors so a checkpoint can save them.
 */
export class Optimizer {
  readonly #settings: Required<OptimizerSettings>;
  readonly #variables: tf.Variable[];
  readonly #firstMoments: tf.Tensor[];
  readonly #secondMoments: tf.Tensor[];
  #step = 0;

  constructor(variables: tf.Variable[], settings: OptimizerSettings) {
    this.#settings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, ...settings };
    this.#variables = variables;
    this.#firstMoments = settings.kind === 'sgd' ? [] : variables.map((variable) => tf.zerosLike(variable));
    this.#secondMoments = settings.kind === 'sgd' ? [] : variables.map((variable) => tf.zerosLike(variable));
  }

  get stepCount(): number {
    return this.#step;
  }

  /** A copy of the step count and moments, for a checkpoint. */
  state(): OptimizerState {
    const values = (moments: tf.Tensor[]) => moments.map((moment) => moment.dataSync() as Float32Array);
    return {
      step: this.#step,
      firstMoments: values(this.#firstMoments),
      secondMoments: values(this.#secondMoments),
    };
  }

  /** Continues from a checkpoint's `state()` of an optimizer of the same variables and kind. */
  restore(state: OptimizerState): void {
    if (
      state.firstMoments.length !== this.#firstMoments.length ||
      state.secondMoments.length !== this.#secondMoments.length
    )
      throw new Error('the optimizer state is of other variables or another optimizer kind');
    const load = (moments: tf.Tensor[], saved: Float32Array[]) =>
      saved.forEach((values, index) => {
        const moment = moments[index] as tf.Tensor;
        moments[index] = tf.tensor(values, moment.shape);
        moment.dispose();
      });
    load(this.#firstMoments, state.firstMoments);
    load(this.#secondMoments, state.secondMoments);
    this.#step = state.step;
  }

  /** Applies one update from `gradients` (by variable name; a missing one counts as zero). */
  apply(gradients: Record<string, tf.Tensor>, lr: number): void {
    const { kind, weightDecay, beta1, beta2, epsilon } = this.#settings;
    this.#step++;
    const biasCorrection1 = 1 - beta1 ** this.#step;
    const biasCorrection2 = 1 - beta2 ** this.#step;
    this.#variables.forEach((variable, index) => {
      const gradient = gradients[variable.name];
      if (!gradient) return;
      tf.tidy(() => {
        let parameter: tf.Tensor = variable;
        let g = gradient;
        if (kind === 'adamw') parameter = tf.mul(parameter, 1 - lr * weightDecay);
        else if (weightDecay > 0) g = tf.add(g, tf.mul(variable, weightDecay));
        if (kind === 'sgd') {
          variable.assign(tf.sub(parameter, tf.mul(g, lr)));
          return;
        }
        const m = tf.add(tf.mul(this.#firstMoments[index] as tf.Tensor, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(
          tf.mul(this.#secondMoments[index] as tf.Tensor, beta2),
          tf.mul(tf.square(g), 1 - beta2),
        );
        const update = tf.div(
          tf.div(m, biasCorrection1),
          tf.add(tf.sqrt(tf.div(v, biasCorrection2)), epsilon),
        );
        variable.assign(tf.sub(parameter, tf.mul(update, lr)));
        this.#replaceMoment(this.#firstMoments, index, m);
        this.#replaceMoment(this.#secondMoments, index, v);
      });
    });
  }

  #replaceMoment(moments: tf.Tensor[], index: number, next: tf.Tensor): void {
    (moments[index] as tf.Tensor).dispose();
    moments[index] = tf.keep(next);
  }

  dispose(): void {
    tf.dispose([...this.#firstMoments, ...this.#secondMoments]);
  }
}
