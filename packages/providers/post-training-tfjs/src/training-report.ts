import type { JobContext, JobProgress } from '@llama-stack-ts/core';

/** One optimizer step as a trainer reports it (the built-in one, or a command's `step` line). */
export interface StepReport {
  step: number;
  totalSteps: number;
  /** 1-based. */
  epoch: number;
  loss: number;
  lr: number;
  tokensPerSecond: number;
}

const formatSeconds = (seconds: number) =>
  seconds >= 3600
    ? `${(seconds / 3600).toFixed(1)}h`
    : seconds >= 60
      ? `${(seconds / 60).toFixed(1)}m`
      : `${seconds.toFixed(1)}s`;

/**
 * A job's log lines and progress, in the one format `/post_training/job/logs` and `/status` show
 * whatever trained: `step 12/90 epoch 4/30 loss 0.5996 lr 9.665e-3 tokens/s 208 eta 21.0s`, then
 * `epoch 4/30 validation_loss 0.2992` at each epoch end. The ETA is the mean wall time of the
 * steps this try saw times the steps left.
 */
export class TrainingReport {
  readonly #job: JobContext<unknown>;
  readonly #nEpochs: number;
  readonly #resumedFrom: number | undefined;
  #resources: Record<string, unknown> = {};
  #lastStepAt = performance.now();
  #seconds = 0;
  #stepsTimed = 0;
  #details: Record<string, unknown> = {};
  #progress: Omit<JobProgress, 'details'> = { completed: 0 };
  /** The loss of the last step reported. */
  lastLoss = Number.NaN;
  /** The validation metric last reported. */
  evaluation: { name: string; value: number } | undefined;

  /** `resumedFrom`: the step of the checkpoint this try resumes from, if any. */
  constructor(job: JobContext<unknown>, nEpochs: number, resumedFrom: number | undefined) {
    this.#job = job;
    this.#nEpochs = nEpochs;
    this.#resumedFrom = resumedFrom;
  }

  /**
   * Logs what this try trains (`summary`, and the checkpoint it resumes from) and sets the
   * progress before its first step; `resources` is the status's `resources_allocated`.
   */
  async begin(summary: string, resources: Record<string, unknown>, totalSteps?: number): Promise<void> {
    this.#resources = resources;
    const resumed = this.#resumedFrom;
    await this.#job.log(
      summary +
        (resumed === undefined
          ? ''
          : `, resuming from the checkpoint of step ${resumed} (try ${this.#job.attempt})`),
    );
    this.#lastStepAt = performance.now();
    await this.#setProgress({
      completed: resumed ?? 0,
      ...(totalSteps === undefined ? {} : { total: totalSteps }),
    });
  }

  async step(step: StepReport): Promise<void> {
    const now = performance.now();
    this.#seconds += (now - this.#lastStepAt) / 1000;
    this.#lastStepAt = now;
    this.#stepsTimed++;
    this.lastLoss = step.loss;
    const eta = (this.#seconds / this.#stepsTimed) * Math.max(step.totalSteps - step.step, 0);
    await this.#job.log(
      `step ${step.step}/${step.totalSteps} epoch ${step.epoch}/${this.#nEpochs} loss ${step.loss.toFixed(4)} ` +
        `lr ${step.lr.toExponential(3)} tokens/s ${step.tokensPerSecond.toFixed(0)} eta ${formatSeconds(eta)}`,
    );
    this.#details = {
      epoch: step.epoch,
      loss: step.loss,
      lr: step.lr,
      tokens_per_second: step.tokensPerSecond,
      eta_seconds: eta,
    };
    await this.#setProgress({ completed: step.step, total: step.totalSteps });
  }

  /** The validation metric at the end of `epoch` (1-based): `validation_loss`, or DPO's `validation_margin`. */
  async validation(epoch: number, name: string, value: number): Promise<void> {
    this.evaluation = { name, value };
    this.#details = { ...this.#details, [name]: value };
    await this.#job.log(`epoch ${epoch}/${this.#nEpochs} ${name} ${value.toFixed(4)}`);
    await this.#setProgress(this.#progress);
  }

  #setProgress(progress: Omit<JobProgress, 'details'>): Promise<void> {
    this.#progress = progress;
    return this.#job.setProgress({
      ...progress,
      details: { resources_allocated: this.#resources, ...this.#details },
    });
  }
}
