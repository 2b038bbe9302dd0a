import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, open, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { InvalidRequestError } from '@llama-stack-ts/core';
import { readGgufFileInfo } from 'node-llama-cpp';
import { z } from 'zod';
import type { CommandTrainerConfig } from './tfjs-post-training-config.js';
import type { TrainedArtifact, TrainerRun } from './trainer-backend.js';
import type { TrainedArtifactKind } from './training-job.js';

/** What a command reports on stdout, one JSON object a line (the README documents each). */
const CommandMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('step'),
    step: z.number().int().positive(),
    total_steps: z.number().int().positive(),
    epoch: z.number().int().positive(),
    loss: z.number(),
    lr: z.number(),
    tokens_per_second: z.number().nonnegative().default(0),
  }),
  z.object({ type: z.literal('validation'), epoch: z.number().int().positive(), value: z.number() }),
  z.object({ type: z.literal('checkpoint'), step: z.number().int().positive(), path: z.string().min(1) }),
  z.object({ type: z.literal('artifact'), kind: z.enum(['adapter', 'model']), path: z.string().min(1) }),
  z.object({ type: z.literal('log'), line: z.string() }),
]);

/** The stderr lines a failure message quotes. */
const stderrTailLines = 20;
/** bin/trainer-guardian.mjs, from src/ (tests) and from the bundle in dist/ alike. */
const trainerGuardian = fileURLToPath(new URL('../bin/trainer-guardian.mjs', import.meta.url));

/** Writes a dataset's rows as JSON lines for the command; a dataset without rows is a 400 naming it. */
async function writeRows(run: TrainerRun, role: 'train' | 'validation', path: string): Promise<number> {
  const { id } = run.job.data.datasets[role];
  const file = await open(path, 'w');
  let rows = 0;
  try {
    for await (const row of run.deps.datasets.iterateRows({ dataset_id: id }, { signal: run.job.signal })) {
      await file.write(`${JSON.stringify(row)}\n`);
      rows++;
    }
  } finally {
    await file.close();
  }
  if (rows === 0)
    throw new InvalidRequestError(
      role === 'train' ? 'dataset' : 'validation_dataset',
      'has no rows to train on',
    );
  return rows;
}

/**
 * The real path of the GGUF a command reported as `what`, `reported` resolved against `folder`:
 * it must exist inside `folder` (symbolic links followed) and start with the GGUF magic.
 */
async function reportedGguf(reported: string, folder: string, what: string): Promise<string> {
  const path = resolve(folder, reported);
  const real = await realpath(path).catch(() => {
    throw new Error(`the trainer command reported ${what} ${path}, which does not exist`);
  });
  const inside = relative(await realpath(folder), real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
    throw new Error(
      `the trainer command reported ${what} ${path}, outside ${folder}: write it inside that folder`,
    );
  const file = await open(real);
  const magic = Buffer.alloc(4);
  try {
    await file.read(magic, 0, 4, 0);
  } finally {
    await file.close();
  }
  if (magic.toString('latin1') !== 'GGUF')
    throw new Error(`the trainer command reported ${what} ${path}, which is not a GGUF file (no GGUF magic)`);
  return real;
}

/**
 * Checks that the final GGUF is what its `kind` says, so it is served right: a llama.cpp adapter
 * (`general.type` adapter) for the base's architecture, or a model.
 */
async function checkArtifactKind(
  path: string,
  kind: TrainedArtifactKind,
  architecture: string,
): Promise<void> {
  const { metadata } = await readGgufFileInfo(path, { readTensorInfo: false });
  const general = metadata.general as { type?: unknown; architecture?: unknown };
  const isAdapter = general.type === 'adapter';
  if (kind === 'adapter' && !isAdapter)
    throw new Error(
      `the trainer command reported the adapter ${path}, whose general.type is ${String(general.type)}, not adapter: ` +
        'report a whole model as kind model',
    );
  if (kind === 'model' && isAdapter)
    throw new Error(
      `the trainer command reported the model ${path}, which is an adapter: report it as kind adapter`,
    );
  if (general.architecture !== architecture)
    throw new Error(
      `the trainer command reported ${path} for architecture ${String(general.architecture)}; the base model is ${architecture}`,
    );
}

/**
 * Runs the configured executable as the job's trainer: the job spec as JSON on its stdin, its
 * stdout's JSON lines turned into the job's step and validation lines, checkpoints and artifact,
 * its stderr into the job's log (and the tail into the failure). Cancel sends its process group
 * SIGTERM, then SIGKILL after `kill_grace_ms`; the group's guardian does the same when this
 * process dies (bin/trainer-guardian.mjs).
 */
export async function runCommandTrainer(
  run: TrainerRun,
  trainer: CommandTrainerConfig,
): Promise<TrainedArtifact> {
  const { job, deps, store, checkpoint, report } = run;
  const { request, base } = job.data;
  const outputDir = join(store.jobDir, 'output');
  const checkpointDir = join(store.jobDir, 'command-checkpoints');
  const dataDir = join(store.jobDir, 'data');
  await Promise.all([outputDir, checkpointDir, dataDir].map((folder) => mkdir(folder, { recursive: true })));
  const datasets = job.data.datasets;
  const trainPath = join(dataDir, 'train.jsonl');
  const validationPath = join(dataDir, 'validation.jsonl');
  const trainRows = await writeRows(run, 'train', trainPath);
  const validationRows = await writeRows(run, 'validation', validationPath);

  const spec = {
    protocol: 1,
    job_uuid: request.job_uuid,
    attempt: job.attempt,
    algorithm: request.algorithm,
    model: { identifier: base.identifier, path: base.path, architecture: base.architecture },
    algorithm_config: request.algorithm_config ?? null,
    optimizer_config: request.optimizer_config,
    training_config: request.training_config,
    dataset: { path: trainPath, column: datasets.train.column, rows: trainRows },
    validation_dataset: { path: validationPath, column: datasets.validation.column, rows: validationRows },
    seed: deps.config.seed,
    checkpoint_every_steps: deps.config.checkpoint_every_steps,
    output_dir: outputDir,
    checkpoint_dir: checkpointDir,
    resume: checkpoint ? { step: checkpoint.step, path: checkpoint.path } : null,
  };
  await report.begin(
    `${request.algorithm} on '${base.identifier}' (${base.architecture}, ${base.path}): ${trainRows} training and ` +
      `${validationRows} validation rows, by the trainer command ${trainer.command.join(' ')}`,
    {
      trainer: 'command',
      command: trainer.command,
      algorithm: request.algorithm,
      base_model_path: base.path,
    },
  );

  const validationName = request.algorithm === 'dpo' ? 'validation_margin' : 'validation_loss';
  let lastStep = checkpoint?.step ?? 0;
  let artifact: { kind: TrainedArtifactKind; path: string } | undefined;
  const stderrTail: string[] = [];
  let lineNumber = 0;
  /** The first thing that went wrong on this side (a bad line, a bad checkpoint): it fails the job. */
  let failure: Error | undefined;

  const [executable = '', ...args] = trainer.command;
  // Its own process group, so cancel reaches what it starts (torchrun's workers, a shell's children),
  // led by the guardian, which ends the group should this worker die first.
  const child: ChildProcess = spawn(
    process.execPath,
    [trainerGuardian, String(trainer.kill_grace_ms), executable, ...args],
    {
      cwd: trainer.cwd,
      env: { ...process.env, ...trainer.env },
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
      detached: true,
    },
  );
  // The channel only tells the guardian this process is alive; it must not keep it running.
  child.channel?.unref();
  let spawnError: Error | undefined;
  child.on('message', (message: { type?: string; message?: string }) => {
    if (message.type === 'spawn-error') spawnError = new Error(message.message);
  });
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // The group is gone already.
      }
    };
    signalGroup('SIGTERM');
    killTimer ??= setTimeout(() => signalGroup('SIGKILL'), trainer.kill_grace_ms);
  };
  job.signal.addEventListener('abort', stop, { once: true });

  // Each line is handled in order, one at a time: a log line never overtakes the step before it.
  let handled = Promise.resolve();
  const handle = (work: () => Promise<void>) => {
    handled = handled
      .then(() => (failure ? undefined : work()))
      .catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
        stop();
      });
  };

  const onStdout = async (line: string) => {
    lineNumber++;
    if (!line.startsWith('{')) return job.log(line);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(
        `the trainer command's stdout line ${lineNumber} is not JSON: ${(error as Error).message}`,
      );
    }
    const parsed = CommandMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `the trainer command's stdout line ${lineNumber} is not a message of the protocol: ` +
          `${issue?.path.join('.') || 'type'}: ${issue?.message}`,
      );
    }
    const message = parsed.data;
    switch (message.type) {
      case 'step':
        lastStep = message.step;
        return report.step({
          step: message.step,
          totalSteps: message.total_steps,
          epoch: message.epoch,
          loss: message.loss,
          lr: message.lr,
          tokensPerSecond: message.tokens_per_second,
        });
      case 'validation':
        return report.validation(message.epoch, validationName, message.value);
      case 'checkpoint': {
        const path = await reportedGguf(
          message.path,
          checkpointDir,
          `the checkpoint of step ${message.step}`,
        );
        return store.write(message.step, (target) => copyFile(path, target));
      }
      case 'artifact':
        artifact = { kind: message.kind, path: message.path };
        return;
      case 'log':
        return job.log(message.line);
    }
  };

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolveExit) => {
      child.once('error', (error) => resolveExit({ code: null, signal: null, error }));
      child.once('close', (code, signal) =>
        resolveExit(spawnError ? { code, signal, error: spawnError } : { code, signal }),
      );
    },
  );
  // A command that does not read its stdin closes it early: that is its business.
  child.stdin?.once('error', () => {});
  child.stdin?.end(JSON.stringify(spec));
  if (child.stdout)
    createInterface({ input: child.stdout }).on('line', (line) => handle(() => onStdout(line)));
  if (child.stderr)
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > stderrTailLines) stderrTail.shift();
      handle(() => job.log(`stderr: ${line}`));
    });
  if (job.signal.aborted) stop();

  let exit: Awaited<typeof exited>;
  try {
    exit = await exited;
    await handled;
  } finally {
    clearTimeout(killTimer);
    job.signal.removeEventListener('abort', stop);
  }

  job.signal.throwIfAborted();
  const stderr =
    stderrTail.length > 0 ? `; its stderr ended with:\n${stderrTail.join('\n')}` : '; its stderr was empty';
  if (exit.error)
    throw new Error(
      `could not run the trainer command ${trainer.command.join(' ')}: ${exit.error.message}. ` +
        'Set trainer.command to an executable on the worker (an absolute path, or one on its PATH).',
    );
  if (failure) throw new Error(`${failure.message}${stderr}`);
  if (exit.code !== 0)
    throw new Error(
      `the trainer command exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}${stderr}`,
    );
  if (!artifact)
    throw new Error(
      'the trainer command exited 0 without reporting its artifact: print {"type":"artifact","kind":"adapter" or "model",' +
        `"path":...} for the GGUF it left in ${outputDir}`,
    );
  const path = await reportedGguf(artifact.path, outputDir, `the ${artifact.kind}`);
  await checkArtifactKind(path, artifact.kind, base.architecture);
  return { path, kind: artifact.kind, steps: lastStep };
}
