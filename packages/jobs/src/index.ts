export { BullmqJobQueue } from './bullmq-job-queue.js';
export { deleteKeys } from './delete-keys.js';
export { JobAbortError, type JobAbortKind } from './job-abort-error.js';
export { JobEngine, type JobEngineHealth, type QueueWorkerInfo } from './job-engine.js';
export type { JobEngineOptions } from './job-engine-options.js';
export { RedisUnavailableError } from './redis-unavailable-error.js';
