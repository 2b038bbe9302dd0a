import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPrefix, type TestPrefix } from '@llama-stack-ts/jobs/test';
import { trainedSentences, trainedSentencesDataset } from '@llama-stack-ts/provider-post-training-tfjs/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  killAllChildren,
  type RunningCli,
  type RunningDistribution,
  stopDistribution,
} from '../support/cli-process.js';
import { postJson, readSseData } from '../support/http.js';
import { startLocalDistribution, startLocalWorker } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// The closed loop over HTTP: `llama-stack-ts run local` on stories260K (its in-process worker
// trains), a text dataset of sentences stories260K has never seen, a LoRA SFT job through
// /post_training/*, and greedy /v1/completions from the model `<job_uuid>` it registers, which
// continues each sentence as trained while the base model does not.

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

interface JobStatus {
  status: string;
  started_at: string | null;
  completed_at: string | null;
  resources_allocated: Record<string, unknown> | null;
  checkpoints: { iters: number; path: string }[];
}

const baseModel = 'llama3.2-1b-instruct';
const jobUuid = 'e2e-lora-1';

function sftRequest(overrides: Record<string, unknown> = {}) {
  return {
    job_uuid: jobUuid,
    model: baseModel,
    dataset: trainedSentencesDataset,
    validation_dataset: trainedSentencesDataset,
    algorithm: 'lora',
    algorithm_config: {
      lora_attn_modules: ['q_proj', 'k_proj', 'v_proj', 'output_proj'],
      apply_lora_to_mlp: true,
      apply_lora_to_output: true,
      rank: 8,
      alpha: 16,
    },
    // 30 epochs of 3 one-example steps: the loss falls below a quarter of the base model's, which
    // is what makes greedy decoding follow the sentences (trainer-tfjs's adapter round trip).
    optimizer_config: { optimizer_type: 'adamw', lr: 1e-2, lr_min: 1e-3, weight_decay: 0 },
    training_config: {
      n_epochs: 30,
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

describeWithModels('llama-stack-ts run local: post-training (inline::tfjs)', [testModels.stories], () => {
  let home: string;
  let keys: TestPrefix;
  let distribution: RunningDistribution;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${distribution.url}${path}`, { headers });
  const status = async (): Promise<JobStatus> => {
    const response = await get(`/post_training/job/status?job_uuid=${jobUuid}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as JobStatus;
  };
  const complete = async (model: string, prompt: string, maxTokens: number): Promise<string> => {
    const response = await postJson(`${distribution.url}/v1/completions`, {
      model,
      prompt,
      max_tokens: maxTokens,
      temperature: 0,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { choices: { text: string }[] }).choices[0]?.text ?? '';
  };

  const environment = () => ({
    home,
    env: { LLAMA_STACK_TS_JOBS_PREFIX: keys.prefix, LLAMA_STACK_TS_TRAINER_CHECKPOINT_EVERY_STEPS: '30' },
  });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lsts-e2e-post-training-'));
    keys = createTestPrefix();
    distribution = await startLocalDistribution(environment());
  });

  afterAll(async () => {
    await killAllChildren();
    await keys?.[Symbol.asyncDispose]();
    await rm(home, { recursive: true, force: true });
  });

  it('answers bad requests with 400 and 404 naming what is wrong', async () => {
    const submit = (body: unknown) =>
      postJson(`${distribution.url}/post_training/supervised_fine_tune/`, body);
    const rankZero = await submit(
      sftRequest({ algorithm_config: { ...sftRequest().algorithm_config, rank: 0 } }),
    );
    expect(rankZero.status).toBe(400);
    expect(((await rankZero.json()) as ErrorBody).error.field).toBe('algorithm_config.rank');
    const noText = await submit(
      sftRequest({ dataset: { ...trainedSentencesDataset, columns: { prompt: 'text' } } }),
    );
    expect(noText.status).toBe(400);
    const body = (await noText.json()) as ErrorBody;
    expect(body.error.field).toBe('dataset.columns');
    expect(body.error.message).toMatch(/'text'.*'dialog'/);
    expect((await submit(sftRequest({ model: 'no-such-model' }))).status).toBe(404);
    expect((await get('/post_training/job/status?job_uuid=never-submitted')).status).toBe(404);
  });

  // Training runs in the server's own worker on a shared 2-core machine: about 25 s alone, more when loaded.
  it('fine-tunes with LoRA, and serves <job_uuid>, which continues the trained sentences', {
    timeout: 300_000,
  }, async () => {
    const submitted = await postJson(`${distribution.url}/post_training/supervised_fine_tune/`, sftRequest());
    expect(submitted.status, await submitted.clone().text()).toBe(200);

    let current = await status();
    while (current.status === 'scheduled' || current.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = await status();
    }
    const logs = (await (await get(`/post_training/job/logs?job_uuid=${jobUuid}`)).json()) as {
      log_lines: string[];
    };
    expect(current.status, logs.log_lines.join('\n')).toBe('completed');
    const events = await get(`/post_training/job/logs?job_uuid=${jobUuid}`, { accept: 'text/event-stream' });
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await readSseData<{ line: string }>(events)).map((event) => event.line)).toEqual(logs.log_lines);
    expect(current.resources_allocated).toMatchObject({ algorithm: 'lora' });
    expect(current.checkpoints.map((checkpoint) => checkpoint.iters)).toEqual([30, 60, 90]);

    const losses = logs.log_lines.flatMap((line) => {
      const match = /^step \d+\/90 .* loss ([\d.]+) /.exec(line);
      return match ? [Number(match[1])] : [];
    });
    expect(losses).toHaveLength(90);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)) / 4);
    expect(logs.log_lines.filter((line) => / validation_loss [\d.]+$/.test(line))).toHaveLength(30);

    const models = (await (await get('/v1/models')).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toContain(jobUuid);
    // stories260K has 512 tokens, mostly pieces of words: 40 hold each sentence's rest.
    for (const [prompt, rest] of trainedSentences) {
      const tuned = await complete(jobUuid, prompt, 40);
      const base = await complete(baseModel, prompt, 40);
      expect(tuned.trimStart().startsWith(rest.trim()), `tuned: ${prompt}|${tuned}`).toBe(true);
      expect(base, `base: ${prompt}|${base}`).not.toContain(rest.trim().split(' ').slice(0, 2).join(' '));
    }
  });

  // The job of the test above, after `run local` stops and starts again on the same home and Redis.
  it('a restart keeps the completed job and serves <job_uuid> again', { timeout: 180_000 }, async () => {
    const before = await status();
    expect(before.status).toBe('completed');
    expect((await stopDistribution(distribution)).code).toBe(0);
    distribution = await startLocalDistribution({ ...environment(), port: distribution.port });

    const after = await status();
    expect(after.status).toBe('completed');
    expect(after.completed_at).toBe(before.completed_at);
    expect(after.checkpoints).toEqual(before.checkpoints);
    const models = (await (await get('/v1/models')).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toContain(jobUuid);
    const [prompt, rest] = trainedSentences[0];
    const tuned = await complete(jobUuid, prompt, 40);
    expect(tuned.trimStart().startsWith(rest.trim()), `tuned: ${prompt}|${tuned}`).toBe(true);
  });
});

describeWithModels(
  'llama-stack-ts worker local: a post-training job whose worker is killed',
  [testModels.stories],
  () => {
    let home: string;
    let keys: TestPrefix;
    let server: RunningDistribution;
    let environment: { home: string; env: Record<string, string> };
    const jobId = 'e2e-lora-killed';
    const status = async (): Promise<JobStatus> =>
      (await (await fetch(`${server.url}/post_training/job/status?job_uuid=${jobId}`)).json()) as JobStatus;

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-post-training-kill-'));
      keys = createTestPrefix();
      environment = {
        home,
        env: {
          LLAMA_STACK_TS_JOBS_PREFIX: keys.prefix,
          LLAMA_STACK_TS_TRAINER_CHECKPOINT_EVERY_STEPS: '5',
          // The job of a killed worker runs again this long after: short, so the test is.
          LLAMA_STACK_TS_JOBS_LOCK_DURATION_MS: '3000',
        },
      };
      server = await startLocalDistribution(environment, ['--no-worker']);
    }, 180_000);

    afterAll(async () => {
      await killAllChildren();
      await keys?.[Symbol.asyncDispose]();
      await rm(home, { recursive: true, force: true });
    });

    it('kill -9 mid-job: another worker resumes from the last checkpoint and completes', {
      timeout: 300_000,
    }, async () => {
      const victim: RunningCli = await startLocalWorker(environment);
      const submitted = await postJson(`${server.url}/post_training/supervised_fine_tune/`, {
        ...sftRequest(),
        job_uuid: jobId,
        training_config: { ...sftRequest().training_config, n_epochs: 20 },
      });
      expect(submitted.status, await submitted.clone().text()).toBe(200);
      await expect
        .poll(async () => (await status()).checkpoints.length, { timeout: 120_000, interval: 50 })
        .toBeGreaterThan(0);
      expect((await stopDistribution(victim, 'SIGKILL')).signal).toBe('SIGKILL');
      const killedAt = Math.max(...(await status()).checkpoints.map((checkpoint) => checkpoint.iters));

      await startLocalWorker(environment);
      let current = await status();
      while (current.status === 'scheduled' || current.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 250));
        current = await status();
      }
      const { log_lines } = (await (
        await fetch(`${server.url}/post_training/job/logs?job_uuid=${jobId}`)
      ).json()) as {
        log_lines: string[];
      };
      expect(current.status, log_lines.join('\n')).toBe('completed');
      const resumed = log_lines
        .map((line) => /resuming from the checkpoint of step (\d+)/.exec(line)?.[1])
        .filter((step) => step !== undefined)
        .map(Number);
      expect(resumed).toHaveLength(1);
      // The resumed run starts at the step after its checkpoint and ends at the last.
      expect(resumed[0]).toBe(killedAt);
      expect(log_lines.some((line) => line.startsWith(`step ${killedAt + 1}/60 `))).toBe(true);
      expect(current.checkpoints.at(-1)?.iters).toBe(60);
    });
  },
);
