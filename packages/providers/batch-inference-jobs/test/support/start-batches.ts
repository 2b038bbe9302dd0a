import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobEngine } from '@llama-stack-ts/jobs';
import { createTestPrefix, type TestPrefix, testRedisUrl } from '@llama-stack-ts/jobs/test';
import { LocalFsFiles, LocalFsFilesConfig } from '@llama-stack-ts/provider-files-localfs';
import { RecordingLogger } from '@llama-stack-ts/provider-utils/test';
import { JobsBatchConfig, type JobsBatchConfigInput } from '../../src/jobs-batch-config.js';
import { JobsBatchInference } from '../../src/jobs-batch-inference.js';
import { ScriptedInference, scriptedModels } from './scripted-inference.js';

export interface StartedBatches extends AsyncDisposable {
  /** The provider of the process that serves the API (no workers). */
  batches: JobsBatchInference;
  /** Starts a worker process's engine and provider on the same queues; disposed with the rest. */
  startWorker(options?: { shutdownTimeoutMs?: number }): Promise<JobEngine>;
  inference: ScriptedInference;
  /** The real Files API (inline::localfs) every process shares. */
  files: LocalFsFiles;
  /** The clock of the completion window, in seconds; a test moves it with `clock.offset`. */
  clock: { offset: number };
  dataDir: string;
  /** A directory inside `url_fetch.file_roots`. */
  filesDir: string;
}

/**
 * The provider on a real Redis (a key prefix of its own), the real files provider and a scripted
 * inference: one engine for the API side, and worker engines started on demand, each with its own
 * provider instance, as `llama-stack-ts run` and `llama-stack-ts worker` processes would be.
 */
export async function startBatches(config: JobsBatchConfigInput = {}): Promise<StartedBatches> {
  const prefix: TestPrefix = createTestPrefix();
  const root = await mkdtemp(join(tmpdir(), 'lsts-batches-'));
  const dataDir = join(root, 'data');
  const filesDir = join(root, 'files');
  await mkdir(filesDir, { recursive: true });
  const inference = new ScriptedInference();
  const files = await LocalFsFiles.open({
    config: LocalFsFilesConfig.parse({}),
    dataDir: join(root, 'files-api'),
  });
  const clock = { offset: 0 };
  const engines: JobEngine[] = [];
  const providerFor = (engine: JobEngine) =>
    new JobsBatchInference({
      config: JobsBatchConfig.parse(config),
      dataDir,
      jobs: engine,
      inference: inference.inference,
      files,
      now: () => Date.now() / 1000 + clock.offset,
      models: scriptedModels,
      urlPolicy: { allowedFileRoots: [filesDir], allowedPrivateHosts: [] },
      logger: new RecordingLogger(),
    });
  const engine = (shutdownTimeoutMs?: number) => {
    const created = new JobEngine({
      redisUrl: testRedisUrl,
      prefix: prefix.prefix,
      lockDurationMs: 2_000,
      shutdownTimeoutMs,
    });
    engines.push(created);
    return created;
  };
  return {
    batches: providerFor(engine()),
    async startWorker(options = {}) {
      const worker = engine(options.shutdownTimeoutMs);
      providerFor(worker);
      worker.startWorkers();
      return worker;
    },
    inference,
    files,
    clock,
    dataDir,
    filesDir,
    async [Symbol.asyncDispose]() {
      await Promise.all(engines.map((created) => created.dispose()));
      await files.dispose();
      await prefix[Symbol.asyncDispose]();
      await rm(root, { recursive: true, force: true });
    },
  };
}
