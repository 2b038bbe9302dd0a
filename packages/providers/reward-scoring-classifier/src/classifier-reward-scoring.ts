import {
  InvalidRequestError,
  type Message,
  type Model,
  NotFoundError,
  type ProviderLogger,
  type RequestOptions,
  type RewardScoring,
  type RewardScoringRequest,
  type RewardScoringResponse,
  StackError,
} from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';
import {
  hubCacheFolder,
  resolveModelCacheDir,
  resolveModelSource,
} from '@llama-stack-ts/provider-utils/models';
import { TextClassifier } from '@llama-stack-ts/provider-utils/transformers';
import {
  type ClassifierRewardConfig,
  ClassifierSettings,
  classifierSettingNames,
} from './classifier-config.js';

/** A reward model of this provider: where its files are, and which class it scores. */
interface RewardClassifier {
  model: Model;
  settings: ClassifierSettings;
  loading?: Promise<{ classifier: TextClassifier; labelIndex: number }>;
}

export interface ClassifierRewardScoringOptions {
  config: ClassifierRewardConfig;
  /** Relative model folders resolve from here (the manifest's directory). */
  baseDir: string;
  models: readonly Model[];
  logger?: ProviderLogger | undefined;
}

/** The text a reward model reads as the prompt: the conversation, oldest message first. */
function promptText(messages: readonly Message[]): string {
  return messages.map((message) => contentToText(message.content)).join('\n');
}

/**
 * `inline::classifier`: a reward model is a sequence classifier (ONNX, run by transformers.js, in
 * the layout of OpenAssistant's reward models) that reads each (prompt, answer) pair as its two
 * segments; the score is the logit, or the probability, of its reward label. A model's
 * `provider_resource_id` is a folder (config.json with id2label, tokenizer.json, onnx/) or a hub id.
 */
export class ClassifierRewardScoring implements RewardScoring {
  readonly #options: ClassifierRewardScoringOptions;
  readonly #models = new Map<string, RewardClassifier>();

  constructor(options: ClassifierRewardScoringOptions) {
    this.#options = options;
    for (const model of options.models) this.addModel(model);
  }

  /** Serves a reward model; its metadata's bad label, score or dtype throws naming the field. */
  addModel(model: Model): void {
    if (model.model_type !== 'reward') {
      throw new InvalidRequestError(
        'model_type',
        `model '${model.identifier}' is ${model.model_type}; inline::classifier serves reward models only (model_type: reward).`,
      );
    }
    const overrides = Object.fromEntries(
      classifierSettingNames
        .filter((name) => model.metadata[name] !== undefined)
        .map((name) => [name, model.metadata[name]]),
    );
    const parsed = ClassifierSettings.safeParse({ ...pickSettings(this.#options.config), ...overrides });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidRequestError(
        `metadata.${issue?.path.join('.') ?? ''}`,
        `reward model '${model.identifier}': ${issue?.message ?? 'invalid'}`,
      );
    }
    this.#models.set(model.identifier, { model, settings: parsed.data });
  }

  /** Loads every reward model (the `preload` config). */
  async preload(): Promise<void> {
    await Promise.all([...this.#models.values()].map((entry) => this.#load(entry)));
  }

  async score(request: RewardScoringRequest, options: RequestOptions = {}): Promise<RewardScoringResponse> {
    const entry = this.#models.get(request.model);
    if (!entry) {
      throw new NotFoundError(
        'model',
        request.model,
        'It is not a reward model of this inline::classifier provider.',
      );
    }
    const { classifier, labelIndex } = await this.#load(entry);
    const prompts = request.prompt_generations.flatMap((prompt) =>
      prompt.k_generations.map(() => promptText([...prompt.dialog.message_history, prompt.dialog.message])),
    );
    const answers = request.prompt_generations.flatMap((prompt) =>
      prompt.k_generations.map((generation) => contentToText(generation.content)),
    );
    const scores: number[] = [];
    const batchSize = this.#options.config.max_batch_size;
    for (let start = 0; start < prompts.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const classified = await classifier.classify(
        prompts.slice(start, start + batchSize),
        answers.slice(start, start + batchSize),
      );
      for (const { logits, probabilities } of classified) {
        scores.push((entry.settings.score === 'logit' ? logits : probabilities)[labelIndex] ?? Number.NaN);
      }
    }
    let next = 0;
    return {
      scored_generations: request.prompt_generations.map((prompt) => ({
        prompt: prompt.dialog.message,
        k_scored_generations: prompt.k_generations.map((message) => ({
          message,
          score: scores[next++] ?? Number.NaN,
        })),
      })),
    };
  }

  async dispose(): Promise<void> {
    const loading = [...this.#models.values()].flatMap((entry) => (entry.loading ? [entry.loading] : []));
    await Promise.allSettled(loading.map(async (loaded) => (await loaded).classifier.dispose()));
  }

  #load(entry: RewardClassifier): Promise<{ classifier: TextClassifier; labelIndex: number }> {
    entry.loading ??= this.#loadClassifier(entry).catch((error: unknown) => {
      // A failed load is tried again on the next call instead of being remembered.
      entry.loading = undefined;
      throw error;
    });
    return entry.loading;
  }

  async #loadClassifier(
    entry: RewardClassifier,
  ): Promise<{ classifier: TextClassifier; labelIndex: number }> {
    const { model, settings } = entry;
    const { config, baseDir } = this.#options;
    const source = resolveModelSource(model.provider_resource_id, baseDir, {
      exampleHubId: 'hf:OpenAssistant/reward-model-deberta-v3-large-v2',
    });
    const cacheDir = resolveModelCacheDir(config.model_cache_dir);
    const where =
      source.kind === 'local' ? source.folder : hubCacheFolder(cacheDir, source.repoId, source.revision);
    let classifier: TextClassifier;
    try {
      classifier = await TextClassifier.load({
        pathOrRepoId: source.kind === 'local' ? source.folder : source.repoId,
        localFilesOnly: source.kind === 'local' || !config.allow_remote_models,
        cacheDir,
        dtype: settings.dtype,
        threads: config.threads,
      });
    } catch (error) {
      throw new StackError(
        503,
        'model_unavailable',
        `Reward model '${model.identifier}' failed to load from ${where}: ${(error as Error).message}. ` +
          'A classifier folder holds config.json (with id2label), tokenizer.json and onnx/model.onnx (or the file of its dtype).',
        { cause: error },
      );
    }
    const labelIndex = resolveLabel(settings.label, classifier.labels);
    if (labelIndex === undefined) {
      await classifier.dispose();
      throw new InvalidRequestError(
        'metadata.label',
        `reward model '${model.identifier}' has no label ${JSON.stringify(settings.label)}; its labels: ${classifier.labels.join(', ')}.`,
      );
    }
    this.#options.logger?.info(`loaded reward model '${model.identifier}'`, {
      source: where,
      labels: classifier.labels,
      label: classifier.labels[labelIndex],
      score: settings.score,
    });
    return { classifier, labelIndex };
  }
}

function pickSettings(config: ClassifierRewardConfig): Partial<ClassifierSettings> {
  return { label: config.label, score: config.score, dtype: config.dtype };
}

/** The class index `label` names (a label, case-insensitive, or an index), else the last class. */
function resolveLabel(label: string | number | undefined, labels: readonly string[]): number | undefined {
  if (label === undefined) return labels.length > 0 ? labels.length - 1 : 0;
  if (typeof label === 'number') return label < Math.max(labels.length, 1) ? label : undefined;
  const index = labels.findIndex((candidate) => candidate.toLowerCase() === label.toLowerCase());
  return index >= 0 ? index : undefined;
}
