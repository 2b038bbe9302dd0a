import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompletionRequest,
  type Inference,
  type PostTraining,
  type PostTrainingJobStatusResponse,
  PostTrainingSFTRequest,
  type PostTrainingSFTRequestInput,
} from '@llama-stack-ts/core';
import { createTestPrefix, type TestPrefix } from '@llama-stack-ts/jobs/test';
import { isProcessAlive } from '@llama-stack-ts/provider-utils';
import { describeWithModels } from '@llama-stack-ts/provider-utils/test';
import type { ResolvedStack } from '@llama-stack-ts/stack';
import {
  disposeLlamaWeights,
  LoraAdapter,
  loadLlamaWeights,
  textExample,
  trainLora,
  useTfjsBackend,
  writeLoraAdapterGguf,
} from '@llama-stack-ts/trainer-tfjs';
import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trainedSentences, trainedSentencesDataset } from '../../src/test/index.js';
import { startPostTrainingTestStack, stories, waitForTrainingJob } from '../post-training-test-stack.js';

const fixture = fileURLToPath(new URL('../fixtures/command-trainer.mjs', import.meta.url));
const adapterConfig = {
  lora_attn_modules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
  apply_lora_to_mlp: true,
  apply_lora_to_output: true,
  rank: 8,
  alpha: 16,
};

const sftRequest = (job_uuid: string, model = 'stories'): PostTrainingSFTRequestInput => ({
  job_uuid,
  model,
  dataset: trainedSentencesDataset,
  validation_dataset: trainedSentencesDataset,
  algorithm: 'lora',
  algorithm_config: adapterConfig,
  optimizer_config: { optimizer_type: 'adamw', lr: 1e-2, lr_min: 1e-3, weight_decay: 0 },
  training_config: {
    n_epochs: 2,
    batch_size: 1,
    shuffle: true,
    n_iters: 0,
    enable_activation_checkpointing: false,
    memory_efficient_fsdp_wrap: false,
    fsdp_cpu_offload: false,
  },
});

/** The built-in trainer's LoRA over stories260K on the sentences, as the e2e closed loop trains it (90 steps). */
async function trainAdapterWithBuiltInTrainer(path: string): Promise<void> {
  const tokenizer = await (await getLlama({ gpu: false, build: 'never' })).loadModel({
    modelPath: stories,
    vocabOnly: true,
  });
  const examples = trainedSentences.map(([prompt, rest]) => textExample(tokenizer, prompt + rest));
  await tokenizer.dispose();
  await useTfjsBackend('wasm');
  const weights = await loadLlamaWeights(stories);
  const adapter = LoraAdapter.create(
    weights,
    {
      rank: adapterConfig.rank,
      alpha: adapterConfig.alpha,
      attnModules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
      applyToMlp: true,
      applyToOutput: true,
    },
    42,
  );
  try {
    await trainLora(weights, adapter, examples, {
      optimizer: { kind: 'adamw', lr: 1e-2, lrMin: 1e-3, weightDecay: 0 },
      nEpochs: 30,
      batchSize: 1,
      shuffle: true,
      seed: 42,
    });
    await writeLoraAdapterGguf(path, adapter, { architecture: 'llama' });
  } finally {
    adapter.dispose();
    disposeLlamaWeights(weights);
  }
}

const stepLine =
  /^step (\d+)\/(\d+) epoch \d+\/\d+ loss ([\d.]+) lr [\d.e+-]+ tokens\/s \d+ eta [\d.]+[smh]$/;

// The adapter trains for about half a minute alone, minutes on a loaded 2-core machine.
describeWithModels('inline::tfjs with trainer: command (an executable trains)', [stories], () => {
  let dataDir: string;
  let keys: TestPrefix;
  let stack: ResolvedStack;
  let postTraining: PostTraining;
  const submit = (job_uuid: string, model?: string) =>
    postTraining.supervisedFineTune(PostTrainingSFTRequest.parse(sftRequest(job_uuid, model)));
  const logs = async (job_uuid: string) => (await postTraining.getTrainingJobLogs({ job_uuid })).log_lines;
  const waitFor = (job_uuid: string, done: (status: PostTrainingJobStatusResponse) => boolean) =>
    waitForTrainingJob(postTraining, job_uuid, done);
  const finished = (job_uuid: string) => waitForTrainingJob(postTraining, job_uuid);
  const startTrainerStack = (trainer: unknown) =>
    startPostTrainingTestStack({
      dataDir,
      prefix: keys.prefix,
      providerId: 'command',
      config: { checkpoint_every_steps: 4, trainer },
    });
  const complete = async (model: string, prompt: string) => {
    const { content } = await (stack.apis.inference as Inference).completion(
      CompletionRequest.parse({ model, content: prompt, max_tokens: 40 }),
    );
    return typeof content === 'string' ? content : JSON.stringify(content);
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'command-trainer-'));
    keys = createTestPrefix();
    const adapter = join(dataDir, 'built-in-adapter.gguf');
    await trainAdapterWithBuiltInTrainer(adapter);
    stack = await startTrainerStack({
      type: 'command',
      command: [process.execPath, fixture],
      env: { COMMAND_TRAINER_ADAPTER: adapter },
    });
    postTraining = stack.apis.post_training as PostTraining;
  }, 600_000);
  afterAll(async () => {
    await stack?.dispose();
    await keys?.[Symbol.asyncDispose]();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the command: its steps are the job log, its checkpoints the artifacts, its adapter served as <job_uuid>', {
    timeout: 300_000,
  }, async () => {
    await submit('ok-1');
    const status = await finished('ok-1');
    const lines = await logs('ok-1');
    expect(status.status, lines.join('\n')).toBe('completed');
    expect(status.resources_allocated).toMatchObject({ trainer: 'command', algorithm: 'lora' });
    expect(lines).toContain(`fixture trainer: lora of ${stories}`);
    expect(lines.some((line) => /^rows 3\/3, pid \d+$/.test(line))).toBe(true);
    const steps = lines.flatMap((line) => {
      const match = stepLine.exec(line);
      return match ? [`${match[1]}/${match[2]}`] : [];
    });
    expect(steps).toEqual(['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    expect(lines.filter((line) => /^epoch \d\/2 validation_loss [\d.]+$/.test(line))).toHaveLength(2);
    expect(status.checkpoints.map((checkpoint) => checkpoint.iters)).toEqual([4, 6]);
    expect(status.checkpoints.every((checkpoint) => checkpoint.path.endsWith('/adapter.gguf'))).toBe(true);
    const { checkpoints } = await postTraining.getTrainingJobArtifacts({ job_uuid: 'ok-1' });
    expect(checkpoints).toEqual(status.checkpoints);

    const trained = await stack.models.getModel({ identifier: 'ok-1' });
    expect(trained).toMatchObject({
      provider_id: 'llama-cpp',
      provider_resource_id: 'stories260K.gguf',
      metadata: { base_model: 'stories', job_uuid: 'ok-1', lora_adapters: [{ scale: 1 }] },
    });
    // The adapter the built-in trainer wrote, served through the command job: it continues the
    // trained sentences, the base model does not.
    for (const [prompt, rest] of trainedSentences) {
      const tuned = await complete('ok-1', prompt);
      const base = await complete('stories', prompt);
      expect(tuned.trimStart().startsWith(rest.trim()), `tuned: ${prompt}|${tuned}`).toBe(true);
      expect(base, `base: ${prompt}|${base}`).not.toContain(rest.trim().split(' ').slice(0, 2).join(' '));
    }
  });

  it('fails the job when the command exits non-zero, its stderr in the log', {
    timeout: 300_000,
  }, async () => {
    await submit('fail-1');
    const status = await finished('fail-1');
    expect(status.status).toBe('failed');
    const lines = await logs('fail-1');
    expect(lines).toContain('stderr: CUDA out of memory (fixture): tried to allocate 80 GiB');
    expect(lines.at(-1)).toMatch(
      /^failed: the trainer command exited with code 1; its stderr ended with:\nCUDA out of memory/,
    );
    await expect(stack.models.getModel({ identifier: 'fail-1' })).rejects.toMatchObject({ status: 404 });
  });

  it("hands the command a base of any architecture: the built-in trainer's llama-only check does not apply", {
    timeout: 300_000,
  }, async () => {
    await submit('fail-gpt2', 'gpt2');
    expect((await finished('fail-gpt2')).status).toBe('failed');
    expect(await logs('fail-gpt2')).toContain(`fixture trainer: lora of ${join(dataDir, 'gpt2.gguf')}`);
  });

  for (const [job, message] of [
    ['none-1', /exited 0 without reporting its artifact/],
    ['text-1', /adapter .*adapter\.gguf, which is not a GGUF file/],
    ['outside-1', /adapter .*step-6\.gguf, outside .*output: write it inside that folder/],
  ] as const)
    it(`fails the job whose command leaves no valid artifact (${job})`, { timeout: 300_000 }, async () => {
      await submit(job);
      const status = await finished(job);
      const lines = await logs(job);
      expect(status.status, lines.join('\n')).toBe('failed');
      expect(lines.at(-1)).toMatch(message);
      await expect(stack.models.getModel({ identifier: job })).rejects.toMatchObject({ status: 404 });
      // Each try failed after its last checkpoint: the next was handed it to resume from.
      expect(lines).toContain(`try 2 given step 6: ${fileURLToPath(status.checkpoints.at(-1)?.path ?? '')}`);
      expect(lines.some((line) => line.endsWith(', resuming from the checkpoint of step 6 (try 2)'))).toBe(
        true,
      );
    });

  it('cancel kills the command (SIGTERM, then SIGKILL for one that ignores it)', {
    timeout: 300_000,
  }, async () => {
    await submit('hang-1');
    let pid: number | undefined;
    await expect
      .poll(
        async () => {
          const lines = await logs('hang-1');
          const reported = lines.map((line) => /pid (\d+)$/.exec(line)?.[1]).find(Boolean);
          if (reported) pid = Number(reported);
          return lines.some((line) => line.startsWith('step 2/'));
        },
        { timeout: 120_000, interval: 50 },
      )
      .toBe(true);
    const alive = () => isProcessAlive(Number(pid));
    expect(alive()).toBe(true);
    await postTraining.cancelTrainingJob({ job_uuid: 'hang-1' });
    await expect.poll(alive, { timeout: 30_000, interval: 20 }).toBe(false);
    const status = await waitFor('hang-1', (s) => s.status !== 'running' && s.status !== 'scheduled');
    expect(status.status).toBe('failed');
    expect(await logs('hang-1')).toContain('stderr: SIGTERM ignored');
  });

  it('rejects a bad trainer config at start-up, naming the field', async () => {
    const start = (trainer: unknown) =>
      startTrainerStack(trainer).then(async (started) => {
        await started.dispose();
        throw new Error('started');
      });
    await expect(start({ type: 'command', command: [] })).rejects.toThrow(/trainer\.command/);
    await expect(start({ type: 'command', command: ['x'], kill_grace_ms: -1 })).rejects.toThrow(
      /trainer\.kill_grace_ms/,
    );
    await expect(start({ type: 'gpu' })).rejects.toThrow(/trainer\.type/);
  });
});
