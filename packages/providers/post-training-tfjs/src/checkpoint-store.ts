import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Checkpoint } from '@llama-stack-ts/core';
import type { OptimizerState } from '@llama-stack-ts/trainer-tfjs';

const checkpointName = /^step-(\d+)$/;

/**
 * What `state.json` of a checkpoint holds: its step and, for the built-in trainer, how to read the
 * optimizer's moments back from `optimizer.bin` (a command trainer's checkpoint is its GGUF alone).
 */
type CheckpointState = { step: number } & (
  | {
      optimizer_step: number;
      /** Lengths of the first moments, then the second ones, as `optimizer.bin` concatenates them. */
      moment_lengths: number[];
      first_moments: number;
    }
  | { optimizer_step?: undefined }
);

/** A checkpoint as a resumed job reads it back. */
export interface StoredCheckpoint {
  step: number;
  /** The checkpoint's GGUF: what `CheckpointStore.write` was handed to write. */
  path: string;
  /** Absent from a command trainer's checkpoint. */
  optimizer?: OptimizerState;
}

/**
 * A job's files under the provider's data directory: `checkpoints/step-<n>/` (the trained weights'
 * GGUF, named `fileName`, state.json and, from the built-in trainer, optimizer.bin), each written to a temporary folder and renamed
 * into place so a killed worker never leaves half a checkpoint, and the final GGUF the served model
 * loads. The folder name is a hash of the job id, which may hold `/` and `:`.
 */
export class CheckpointStore {
  readonly jobDir: string;

  constructor(
    dataDir: string,
    jobId: string,
    /** The GGUF of a checkpoint: `adapter.gguf`, `dora.gguf` or `model.gguf` (see trainer-plan). */
    readonly fileName: string,
  ) {
    this.jobDir = join(dataDir, 'jobs', createHash('sha256').update(jobId).digest('hex').slice(0, 32));
  }

  /** Where the job's final GGUF, named `fileName`, is written. */
  finalPath(fileName: string): string {
    return join(this.jobDir, fileName);
  }

  get #checkpointsDir(): string {
    return join(this.jobDir, 'checkpoints');
  }

  /**
   * Writes a checkpoint; `writeWeights` writes the trained weights' GGUF at the path it is given.
   * `optimizer` is the built-in trainer's state, which a resumed job continues from.
   */
  async write(
    step: number,
    writeWeights: (path: string) => Promise<void>,
    optimizer?: OptimizerState,
  ): Promise<void> {
    const folder = join(this.#checkpointsDir, `step-${step}`);
    const temporary = `${folder}.tmp`;
    await rm(temporary, { recursive: true, force: true });
    await mkdir(temporary, { recursive: true });
    await writeWeights(join(temporary, this.fileName));
    let state: CheckpointState = { step };
    if (optimizer) {
      const moments = [...optimizer.firstMoments, ...optimizer.secondMoments];
      const bytes = Buffer.concat(
        moments.map((moment) => Buffer.from(moment.buffer, moment.byteOffset, moment.byteLength)),
      );
      await writeFile(join(temporary, 'optimizer.bin'), bytes);
      state = {
        step,
        optimizer_step: optimizer.step,
        moment_lengths: moments.map((moment) => moment.length),
        first_moments: optimizer.firstMoments.length,
      };
    }
    await writeFile(join(temporary, 'state.json'), JSON.stringify(state));
    await rm(folder, { recursive: true, force: true });
    await rename(temporary, folder);
  }

  /** The steps of the complete checkpoints, in order. */
  async steps(): Promise<number[]> {
    const names = await readdir(this.#checkpointsDir).catch(() => []);
    return names
      .map((name) => checkpointName.exec(name)?.[1])
      .filter((step) => step !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** The checkpoints as the job routes list them: the GGUF of each, as a file:// URL. */
  async list(): Promise<Checkpoint[]> {
    return (await this.steps()).map((step) => ({
      iters: step,
      path: pathToFileURL(join(this.#checkpointsDir, `step-${step}`, this.fileName)).href,
    }));
  }

  /** The last checkpoint, or undefined when none was written. */
  async latest(): Promise<StoredCheckpoint | undefined> {
    const step = (await this.steps()).at(-1);
    if (step === undefined) return undefined;
    const folder = join(this.#checkpointsDir, `step-${step}`);
    const state = JSON.parse(await readFile(join(folder, 'state.json'), 'utf8')) as CheckpointState;
    const path = join(folder, this.fileName);
    if (state.optimizer_step === undefined) return { step: state.step, path };
    const bytes = await readFile(join(folder, 'optimizer.bin'));
    const floats = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    let offset = 0;
    const moments = state.moment_lengths.map((length) => {
      const moment = floats.slice(offset, offset + length);
      offset += length;
      return moment;
    });
    return {
      step: state.step,
      path,
      optimizer: {
        step: state.optimizer_step,
        firstMoments: moments.slice(0, state.first_moments),
        secondMoments: moments.slice(state.first_moments),
      },
    };
  }
}
