import type { JobAbortError } from './job-abort-error.js';

interface RunningJob {
  /** The id of the job it belongs to: its own for a job, its parent's for a part. */
  jobId: string;
  controller: AbortController;
}

/** The jobs and parts this process is running, per queue, so an interrupt aborts their signals. */
export class RunningJobs {
  readonly #byQueue = new Map<string, Map<string, RunningJob>>();

  /** Tracks a job or part (by its BullMQ id) until `delete`; its `signal` is the controller's. */
  add(queue: string, bullJobId: string, jobId: string): AbortController {
    const controller = new AbortController();
    let running = this.#byQueue.get(queue);
    if (!running) {
      running = new Map();
      this.#byQueue.set(queue, running);
    }
    running.set(bullJobId, { jobId, controller });
    return controller;
  }

  delete(queue: string, bullJobId: string): void {
    this.#byQueue.get(queue)?.delete(bullJobId);
  }

  /** Aborts the job `jobId` of `queue` and its parts running here (only its parts with `partsOnly`). */
  abort(queue: string, jobId: string, reason: JobAbortError, partsOnly = false): void {
    for (const [bullJobId, running] of this.#byQueue.get(queue) ?? []) {
      if (running.jobId === jobId && !(partsOnly && bullJobId === jobId)) running.controller.abort(reason);
    }
  }

  /** Jobs and parts running here, over every queue. */
  count(): number {
    let count = 0;
    for (const running of this.#byQueue.values()) count += running.size;
    return count;
  }
}
