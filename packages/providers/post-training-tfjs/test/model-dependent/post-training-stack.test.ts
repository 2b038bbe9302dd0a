import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ChatCompletionRequest,
  type Inference,
  type PostTraining,
  type PostTrainingJobStatusResponse,
  PostTrainingRLHFRequest,
  type PostTrainingRLHFRequestInput,
  PostTrainingSFTRequest,
  type PostTrainingSFTRequestInput,
} from '@llama-stack-ts/core';
import { createTestPrefix, type TestPrefix } from '@llama-stack-ts/jobs/test';
import { describeWithModels } from '@llama-stack-ts/provider-utils/test';
import type { ResolvedStack } from '@llama-stack-ts/stack';
import {
  disposeLlamaWeights,
  LoraAdapter,
  loadLlamaWeights,
  preferenceMargins,
  preferencePair,
  readLoraAdapterGguf,
} from '@llama-stack-ts/trainer-tfjs';
import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jsonlDataUrl, trainedSentencesDataset } from '../../src/test/index.js';
import { startPostTrainingTestStack, stories, waitForTrainingJob } from '../post-training-test-stack.js';

const textDataset = trainedSentencesDataset;

function sftRequest(
  job_uuid: string,
  overrides: Partial<PostTrainingSFTRequestInput> = {},
): PostTrainingSFTRequestInput {
  return {
    job_uuid,
    model: 'stories',
    dataset: textDataset,
    validation_dataset: textDataset,
    algorithm: 'lora',
    algorithm_config: {
      lora_attn_modules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
      apply_lora_to_mlp: true,
      apply_lora_to_output: true,
      rank: 8,
      alpha: 16,
    },
    optimizer_config: { optimizer_type: 'adamw', lr: 1e-2, lr_min: 1e-3, weight_decay: 0 },
    training_config: {
      n_epochs: 10,
      batch_size: 1,
      shuffle: true,
      n_iters: 0,
      enable_activation_checkpointing: false,
      memory_efficient_fsdp_wrap: false,
      fsdp_cpu_offload: false,
    },
    ...overrides,
  };
}

/** One preference throughout, so it carries over to prompts not trained on: happy over sad. */
const trainPrompts = [
  'Tom found a lost puppy. He was',
  'The sun came out and Lily was',
  'Mom baked a big cake. Ben was',
  'The bird sang a song. The girl was',
];
const heldOutPrompts = ['Sam got a new toy. He was', 'The cat played in the garden. It was'];
const preferenceDataset = (prompts: readonly string[]) =>
  ({
    columns: { prompt: 'text', chosen: 'text', rejected: 'text' },
    content_url: jsonlDataUrl(prompts.map((prompt) => ({ prompt, chosen: ' happy.', rejected: ' sad.' }))),
  }) as const;
const dpoConfig = { reward_scale: 0.1, reward_clip: 0, epsilon: 0, gamma: 0 };

function dpoRequest(
  job_uuid: string,
  overrides: Partial<PostTrainingRLHFRequestInput> = {},
): PostTrainingRLHFRequestInput {
  const { optimizer_config, training_config } = sftRequest(job_uuid);
  return {
    job_uuid,
    finetuned_model: 'stories',
    dataset: preferenceDataset(trainPrompts),
    validation_dataset: preferenceDataset(heldOutPrompts),
    algorithm: 'dpo',
    algorithm_config: dpoConfig,
    optimizer_config: { ...optimizer_config, lr: 2e-3, lr_min: 2e-4 },
    training_config: { ...training_config, n_epochs: 3, batch_size: 2 },
    ...overrides,
  };
}

const stepLine =
  /^step (\d+)\/(\d+) epoch \d+\/\d+ loss ([\d.]+) lr [\d.e+-]+ tokens\/s \d+ eta [\d.]+[smh]$/;

// Training jobs take seconds alone and minutes on a loaded 2-core machine: they have 5 minutes each.
describeWithModels('inline::tfjs (post_training) on stories260K', [stories], () => {
  let dataDir: string;
  let keys: TestPrefix;
  let stack: ResolvedStack;
  let postTraining: PostTraining;
  const submit = (request: PostTrainingSFTRequestInput) =>
    postTraining.supervisedFineTune(PostTrainingSFTRequest.parse(request));
  const submitDpo = (request: PostTrainingRLHFRequestInput) =>
    postTraining.preferenceOptimize(PostTrainingRLHFRequest.parse(request));
  const finished = (job_uuid: string) => waitForTrainingJob(postTraining, job_uuid);
  const waitFor = (job_uuid: string, done: (status: PostTrainingJobStatusResponse) => boolean) =>
    waitForTrainingJob(postTraining, job_uuid, done);
  /** A greedy chat answer of `model` through the stack's inference API. */
  const chat = async (model: string) =>
    (
      await (stack.apis.inference as Inference).chatCompletion(
        ChatCompletionRequest.parse({
          model,
          messages: [{ role: 'user', content: 'Tell me a story.' }],
          max_tokens: 8,
        }),
      )
    ).content;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'post-training-stack-'));
    keys = createTestPrefix();
    stack = await startPostTrainingTestStack({
      dataDir,
      prefix: keys.prefix,
      providerId: 'tfjs',
      config: { checkpoint_every_steps: 10 },
    });
    postTraining = stack.apis.post_training as PostTraining;
  });
  afterAll(async () => {
    await stack?.dispose();
    await keys?.[Symbol.asyncDispose]();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('trains a LoRA adapter: loss falls, validation loss each epoch, checkpoints as file:// artifacts', {
    timeout: 300_000,
  }, async () => {
    await submit(sftRequest('sft-1'));
    const status = await waitFor('sft-1', (s) => s.status === 'completed' || s.status === 'failed');
    const { log_lines } = await postTraining.getTrainingJobLogs({ job_uuid: 'sft-1' });
    expect(status.status, log_lines.join('\n')).toBe('completed');
    expect(status.started_at).toBeTruthy();
    expect(status.completed_at).toBeTruthy();
    expect(status.resources_allocated).toMatchObject({
      algorithm: 'lora',
      backend: 'wasm',
      base_kept_quantized: false,
    });

    const steps = log_lines.flatMap((line) => {
      const match = stepLine.exec(line);
      return match ? [{ step: Number(match[1]), total: Number(match[2]), loss: Number(match[3]) }] : [];
    });
    expect(steps.map((step) => step.step)).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
    const firstEpoch = steps.slice(0, 3).reduce((sum, step) => sum + step.loss, 0);
    const lastEpoch = steps.slice(-3).reduce((sum, step) => sum + step.loss, 0);
    expect(lastEpoch).toBeLessThan(firstEpoch / 2);
    const validation = log_lines.filter((line) => /^epoch \d+\/10 validation_loss [\d.]+$/.test(line));
    expect(validation).toHaveLength(10);

    // The stream of a finished job: the lines so far, then it ends.
    const streamed: string[] = [];
    for await (const event of postTraining.streamTrainingJobLogs({ job_uuid: 'sft-1' }))
      streamed.push(event.line);
    expect(streamed).toEqual(log_lines);

    const artifacts = await postTraining.getTrainingJobArtifacts({ job_uuid: 'sft-1' });
    expect(artifacts.checkpoints.map((checkpoint) => checkpoint.iters)).toEqual([10, 20, 30]);
    expect(status.checkpoints).toEqual(artifacts.checkpoints);
    for (const checkpoint of artifacts.checkpoints) {
      expect(checkpoint.path).toMatch(/^file:\/\/.*adapter\.gguf$/);
      await access(fileURLToPath(checkpoint.path));
    }
    await expect(submit(sftRequest('sft-1'))).rejects.toMatchObject({ status: 409, field: 'job_uuid' });

    // The base model's provider and file, plus the final adapter at scale 1.
    const trained = await stack.models.getModel({ identifier: 'sft-1' });
    expect(trained).toMatchObject({
      provider_id: 'llama-cpp',
      provider_resource_id: 'stories260K.gguf',
      model_type: 'llm',
      metadata: { base_model: 'stories', job_uuid: 'sft-1', lora_adapters: [{ scale: 1 }] },
    });
    const [adapter] = trained.metadata.lora_adapters as { path: string }[];
    await access(adapter?.path ?? '');
  });

  it('trains QLoRA on the base kept as its file bytes, dequantized per use', {
    timeout: 300_000,
  }, async () => {
    await submit(
      sftRequest('qlora-1', {
        algorithm: 'qlora',
        training_config: { ...sftRequest('').training_config, n_epochs: 2 },
      }),
    );
    const status = await waitFor('qlora-1', (s) => s.status === 'completed' || s.status === 'failed');
    const { log_lines } = await postTraining.getTrainingJobLogs({ job_uuid: 'qlora-1' });
    expect(status.status, log_lines.join('\n')).toBe('completed');
    expect(status.resources_allocated).toMatchObject({ algorithm: 'qlora', base_kept_quantized: true });
    expect(status.checkpoints.map((checkpoint) => checkpoint.iters)).toEqual([6]);

    // Served as LoRA is: the base's file plus the adapter, answering at once.
    const trained = await stack.models.getModel({ identifier: 'qlora-1' });
    expect(trained).toMatchObject({
      provider_id: 'llama-cpp',
      provider_resource_id: 'stories260K.gguf',
      metadata: { base_model: 'stories', job_uuid: 'qlora-1', lora_adapters: [{ scale: 1 }] },
    });
    expect(await chat('qlora-1')).toMatch(/\w/);
  });

  it('runs DPO with a LoRA policy against the base: the held-out chosen-over-rejected margin rises', {
    timeout: 300_000,
  }, async () => {
    await submitDpo(dpoRequest('dpo-1'));
    const status = await finished('dpo-1');
    const { log_lines } = await postTraining.getTrainingJobLogs({ job_uuid: 'dpo-1' });
    expect(status.status, log_lines.join('\n')).toBe('completed');
    expect(status.resources_allocated).toMatchObject({ algorithm: 'dpo' });
    // 4 pairs, 2 per step, 3 epochs.
    expect(log_lines.filter((line) => stepLine.test(line))).toHaveLength(6);
    expect(log_lines.filter((line) => /^epoch \d\/3 validation_margin -?[\d.]+$/.test(line))).toHaveLength(3);
    expect(status.checkpoints.at(-1)?.path).toMatch(/adapter\.gguf$/);

    const trained = await stack.models.getModel({ identifier: 'dpo-1' });
    expect(trained).toMatchObject({
      provider_id: 'llama-cpp',
      provider_resource_id: 'stories260K.gguf',
      metadata: { base_model: 'stories', job_uuid: 'dpo-1', lora_adapters: [{ scale: 1 }] },
    });
    const [served] = trained.metadata.lora_adapters as { path: string }[];

    // The margins of the held-out pairs, measured by the trainer: the base, then with the adapter served.
    const tokenizer = await (await getLlama({ gpu: false, build: 'never' })).loadModel({
      modelPath: stories,
      vocabOnly: true,
    });
    const heldOut = heldOutPrompts.map((prompt) => preferencePair(tokenizer, prompt, ' happy.', ' sad.'));
    await tokenizer.dispose();
    const weights = await loadLlamaWeights(stories);
    const adapter = LoraAdapter.create(
      weights,
      {
        rank: 8,
        alpha: 16,
        attnModules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
        applyToMlp: true,
        applyToOutput: false,
      },
      0,
    );
    await readLoraAdapterGguf(served?.path ?? '', adapter);
    const before = preferenceMargins(weights, undefined, heldOut);
    const after = preferenceMargins(weights, adapter, heldOut);
    // The adapter's variables are named as the jobs' are: disposed, they leave the names free.
    adapter.dispose();
    disposeLlamaWeights(weights);
    for (const [index, margin] of after.entries())
      expect(margin).toBeGreaterThan((before[index] as number) + 0.5);
    expect(await chat('dpo-1')).toMatch(/\w/);
  });

  for (const [algorithm, checkpointFile, lr] of [
    ['dora', 'dora.gguf', 1e-2],
    ['full', 'model.gguf', 1e-3],
  ] as const)
    it(`trains ${algorithm} and serves the full GGUF it writes as <job_uuid>`, {
      timeout: 300_000,
    }, async () => {
      const job = `${algorithm}-1`;
      const base = sftRequest(job);
      await submit({
        ...base,
        algorithm,
        ...(algorithm === 'full' ? { algorithm_config: undefined } : {}),
        optimizer_config: { ...base.optimizer_config, lr, lr_min: lr / 10 },
        training_config: { ...base.training_config, n_epochs: 4 },
      });
      const status = await finished(job);
      const { log_lines } = await postTraining.getTrainingJobLogs({ job_uuid: job });
      expect(status.status, log_lines.join('\n')).toBe('completed');
      expect(status.resources_allocated).toMatchObject({ algorithm });
      const steps = log_lines.flatMap((line) => {
        const match = stepLine.exec(line);
        return match ? [Number(match[3])] : [];
      });
      expect(steps).toHaveLength(12);
      expect((steps.at(-1) ?? 0) + (steps.at(-2) ?? 0)).toBeLessThan((steps[0] ?? 0) + (steps[1] ?? 0));
      expect(status.checkpoints.map((checkpoint) => checkpoint.iters)).toEqual([10, 12]);
      for (const checkpoint of status.checkpoints) {
        expect(checkpoint.path.endsWith(`/${checkpointFile}`)).toBe(true);
        await access(fileURLToPath(checkpoint.path));
      }

      const trained = await stack.models.getModel({ identifier: job });
      expect(trained).toMatchObject({
        provider_id: 'llama-cpp',
        model_type: 'llm',
        metadata: { base_model: 'stories', job_uuid: job },
      });
      expect(trained.metadata.lora_adapters).toBeUndefined();
      expect(trained.provider_resource_id).toMatch(/model\.gguf$/);
      await access(trained.provider_resource_id);
      expect(await chat(job)).toMatch(/\w/);
    });

  it('cancels a running job, which keeps its checkpoints', { timeout: 300_000 }, async () => {
    await submit(
      sftRequest('sft-cancel', { training_config: { ...sftRequest('').training_config, n_epochs: 1000 } }),
    );
    await waitFor('sft-cancel', (s) => s.checkpoints.length > 0);
    await postTraining.cancelTrainingJob({ job_uuid: 'sft-cancel' });
    const status = await waitFor('sft-cancel', (s) => s.status !== 'running');
    expect(status.status).toBe('failed');
    expect(status.checkpoints.length).toBeGreaterThan(0);
    const { checkpoints } = await postTraining.getTrainingJobArtifacts({ job_uuid: 'sft-cancel' });
    expect(checkpoints).toEqual(status.checkpoints);
  });

  it('answers bad requests before queueing: unknown model, columns, adapter settings, architecture, algorithm', async () => {
    await expect(submit(sftRequest('bad-1', { model: 'nope' }))).rejects.toMatchObject({ status: 404 });
    const noColumns = { columns: { prompt: 'text' }, content_url: jsonlDataUrl([{ prompt: 'hi' }]) } as const;
    await expect(submit(sftRequest('bad-2', { dataset: noColumns }))).rejects.toMatchObject({
      status: 400,
      field: 'dataset.columns',
      message: expect.stringMatching(/'text'.*'dialog'/),
    });
    const request = PostTrainingSFTRequest.parse(sftRequest('bad-3'));
    const config = request.algorithm_config ?? ({} as never);
    await expect(
      postTraining.supervisedFineTune({ ...request, algorithm_config: { ...config, rank: 0 } }),
    ).rejects.toMatchObject({ status: 400, field: 'algorithm_config.rank' });
    await expect(
      postTraining.supervisedFineTune({ ...request, algorithm_config: { ...config, alpha: 0 } }),
    ).rejects.toMatchObject({ status: 400, field: 'algorithm_config.alpha' });
    await expect(submit(sftRequest('bad-4', { model: 'gpt2' }))).rejects.toMatchObject({
      status: 400,
      field: 'model',
      message: expect.stringContaining('gpt2'),
    });
    await expect(submitDpo(dpoRequest('bad-5', { dataset: textDataset }))).rejects.toMatchObject({
      status: 400,
      field: 'dataset.columns',
      message: expect.stringMatching(/'prompt', 'chosen', 'rejected' missing/),
    });
    await expect(
      submitDpo(dpoRequest('bad-6', { algorithm_config: { ...dpoConfig, reward_scale: 0 } })),
    ).rejects.toMatchObject({ status: 400, field: 'algorithm_config.reward_scale' });
    await expect(submitDpo(dpoRequest('bad-7', { finetuned_model: 'nope' }))).rejects.toMatchObject({
      status: 404,
    });
    await expect(submit(sftRequest('stories'))).rejects.toMatchObject({ status: 409, field: 'job_uuid' });
    await expect(postTraining.getTrainingJobStatus({ job_uuid: 'bad-1' })).rejects.toMatchObject({
      status: 404,
    });
  });
});
