/**
 * Background jobs, as providers see them. The stack implements `Jobs` (BullMQ on Redis, in
 * `@llama-stack-ts/jobs`) and hands it to providers as `ProviderContext.jobs`; a provider declares
 * its queues and enqueues work, and whichever process runs workers (`llama-stack-ts worker`, or the
 * in-process worker of `run`) calls the queue's processors. Data, parts and results are stored as
 * JSON, so they must survive `JSON.stringify`.
 */
export interface Jobs {
  /**
   * Declares a queue and its processors; every process of the distribution declares the same
   * queues (in its providers' `create()`), so any worker can run any job.
   */
  queue<Data, Result, Part = never, PartResult = never>(
    definition: JobQueueDefinition<Data, Result, Part, PartResult>,
  ): JobQueue<Data, Result, Part>;
}

/** Where a job is in its life; post-training's job statuses plus `cancelled`. */
export type JobStatus = 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * A queue's name and work. A job may be split into parts: the parts run in parallel, on any
 * worker, each retried on its own; `process` runs once all of them have completed. Work must be
 * idempotent per part: a part whose worker died is run again from the start, and only the result
 * of the run that completes is kept, so each part's output is counted exactly once.
 */
export interface JobQueueDefinition<Data, Result, Part = never, PartResult = never> {
  /** Unique per distribution, e.g. `batch_inference`. */
  name: string;
  /** Jobs (and parts) one worker process runs at once; the manifest's `jobs.queues.<name>.concurrency` overrides it. */
  concurrency?: number;
  /** Tries per job or part before it fails; default 3. A `StackError` with a 4xx status fails at once. */
  attempts?: number;
  processPart?(part: JobContext<Part>): Promise<PartResult>;
  /** `partResults` holds each part's result in the order the parts were given to `add`. */
  process(job: JobContext<Data>, partResults: readonly PartResult[]): Promise<Result>;
}

/** What a processor gets for one job or part. */
export interface JobContext<Data> {
  /** The job's id (a part's context carries its parent job's id). */
  jobId: string;
  /** The part's index in the job's parts; absent for the job itself. */
  partIndex?: number;
  data: Data;
  /** 1 on the first try. */
  attempt: number;
  /** Aborted when the job is cancelled or the worker drains past its shutdown timeout; stop and throw. */
  signal: AbortSignal;
  /** Appends a line to the job's log (`JobQueue.logs`). */
  log(line: string): Promise<void>;
  /** Sets the job's progress (a part's progress is summed into its job's by the engine). */
  setProgress(progress: JobProgress): Promise<void>;
}

export interface JobProgress {
  completed: number;
  total?: number;
  /** Whatever else the queue reports (loss, tokens/s); shown as is. */
  details?: Record<string, unknown>;
}

export interface JobRecord<Data = unknown, Result = unknown> {
  id: string;
  queue: string;
  status: JobStatus;
  data: Data;
  /** Milliseconds since the epoch. */
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  progress?: JobProgress;
  result?: Result;
  /** Why the job failed or was cancelled. */
  error?: string;
  /** Tries so far. */
  attempts: number;
}

export interface AddJobOptions<Part> {
  /** The job's id; default a random one. Adding an id that exists throws `ConflictError`. */
  jobId?: string;
  /** The job's parts, run before `process`; none by default. */
  parts?: readonly Part[];
}

/**
 * A queue as a provider uses it. Every method throws `DependencyUnavailableError` (503, naming
 * `REDIS_URL`) while Redis cannot be reached.
 */
export interface JobQueue<Data, Result, Part = never> {
  readonly name: string;
  add(data: Data, options?: AddJobOptions<Part>): Promise<JobRecord<Data, Result>>;
  /** Undefined when no job has the id. */
  get(jobId: string): Promise<JobRecord<Data, Result> | undefined>;
  /** Most recent first. */
  list(options?: { limit?: number; after?: string }): Promise<JobRecord<Data, Result>[]>;
  /**
   * Cancels a job: a scheduled one never runs, a running one's `signal` aborts (in whichever
   * worker runs it) and it ends `cancelled`. Undefined when no job has the id; a finished job is
   * returned unchanged.
   */
  cancel(jobId: string): Promise<JobRecord<Data, Result> | undefined>;
  /** The job's log lines from the first; with `follow`, waits for more until the job ends or `signal` aborts. */
  logs(jobId: string, options?: { follow?: boolean; signal?: AbortSignal }): AsyncIterable<string>;
}
