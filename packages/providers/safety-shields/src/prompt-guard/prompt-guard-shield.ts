import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type JsonObject, type Message, type SafetyViolation, StackError } from '@llama-stack-ts/core';
import { TextClassifier } from '@llama-stack-ts/provider-utils/transformers';
import { z } from 'zod';
import { messageText } from '../message-text.js';
import { parseShieldParams } from '../parse-shield-params.js';
import type { Shield } from '../shield.js';
import { chunkText, promptGuardScores } from './prompt-guard-scores.js';

export const defaultPromptGuardModel = 'meta-llama/Prompt-Guard-86M';

export const PromptGuardParams = z
  .object({
    model: z
      .string()
      .min(1)
      .default(defaultPromptGuardModel)
      .describe(
        `A transformers.js text-classification model: a local folder (config.json, tokenizer.json, onnx/model.onnx) or a hub repository id, downloaded on first use. Default ${defaultPromptGuardModel}.`,
      ),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('A score at or above it is a violation. Default 0.9.'),
    mode: z
      .enum(['jailbreak', 'injection'])
      .default('jailbreak')
      .describe(
        "'jailbreak' (default): flag attempts to override instructions; 'injection': also flag embedded instructions (for tool output and documents).",
      ),
    dtype: z
      .string()
      .default('fp32')
      .describe(
        'Which ONNX weights to load (fp32: onnx/model.onnx, q8: onnx/model_quantized.onnx). Default fp32.',
      ),
  })
  .loose();

export const promptGuardSuggestedResponse = 'Sorry, I cannot do this.';

export interface PromptGuardLoadSettings {
  /** Where hub models are cached. */
  cacheDir: string;
  /** Whether a hub model missing from the cache may be downloaded. */
  allowRemoteModels: boolean;
  /** Relative model folders are resolved from here (the manifest's directory or the cwd). */
  baseDir: string;
}

/** Characters per classified piece: about 512 tokens of English, Prompt Guard's window. */
const chunkCharacters = 1800;

/**
 * `prompt_guard`: a transformers.js classifier (Meta's Prompt Guard by default) over the last
 * message; long text is split and the highest score counts. Models load once, on first use.
 */
export class PromptGuardShield implements Shield {
  readonly shieldType = 'prompt_guard';
  readonly #classifiers = new Map<string, Promise<TextClassifier>>();

  constructor(
    readonly shieldId: string,
    private readonly settings: PromptGuardLoadSettings,
  ) {}

  async run(messages: readonly Message[], params: JsonObject): Promise<SafetyViolation | null> {
    const options = parseShieldParams(PromptGuardParams, params, this.shieldId);
    const last = messages.at(-1);
    const text = last ? messageText(last).trim() : '';
    if (text.length === 0) return null;
    const classifier = await this.classifier(options.model, options.dtype);
    const chunks = chunkText(text, chunkCharacters);
    const scores = (await classifier.classify(chunks)).map(({ probabilities }) =>
      promptGuardScores(probabilities, classifier.labels),
    );
    const jailbreak = Math.max(...scores.map((score) => score.jailbreak));
    const injection = Math.max(...scores.map((score) => score.injection));
    const flagged =
      jailbreak >= options.threshold
        ? { type: 'jailbreak', score: jailbreak }
        : options.mode === 'injection' && injection >= options.threshold
          ? { type: 'prompt_injection', score: injection }
          : undefined;
    if (!flagged) return null;
    return {
      violation_type: flagged.type,
      details: `Prompt Guard (${options.model}) scored the last ${last?.role ?? 'user'} message ${flagged.type} ${flagged.score.toFixed(3)} (threshold ${options.threshold}; jailbreak ${jailbreak.toFixed(3)}, injection ${injection.toFixed(3)}).`,
      suggested_user_response: promptGuardSuggestedResponse,
    };
  }

  classifier(model: string, dtype: string): Promise<TextClassifier> {
    const key = `${model}\u0000${dtype}`;
    let loading = this.#classifiers.get(key);
    if (!loading) {
      loading = this.#load(model, dtype);
      this.#classifiers.set(key, loading);
      // A failed load is retried on the next call instead of being remembered.
      loading.catch(() => this.#classifiers.delete(key));
    }
    return loading;
  }

  async #load(model: string, dtype: string): Promise<TextClassifier> {
    const looksLocal = isAbsolute(model) || model.startsWith('.') || model.startsWith('~');
    const folder = resolve(this.settings.baseDir, model.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
    const local = looksLocal || existsSync(folder);
    if (local && !existsSync(folder)) {
      throw new StackError(
        503,
        'model_unavailable',
        `Prompt Guard model folder ${folder} (shield '${this.shieldId}') does not exist. Point params.model at a folder with config.json, tokenizer.json and onnx/model.onnx, or at a hub id.`,
      );
    }
    try {
      return await TextClassifier.load({
        pathOrRepoId: local ? folder : model,
        localFilesOnly: local || !this.settings.allowRemoteModels,
        cacheDir: this.settings.cacheDir,
        dtype,
      });
    } catch (error) {
      const hint = local
        ? 'Check that the folder holds config.json (with id2label), tokenizer.json and the ONNX weights for the dtype.'
        : this.settings.allowRemoteModels
          ? `Check the hub id, that the repository has ONNX weights (onnx/model.onnx), and for a gated repository (Meta's) set HF_TOKEN or download it into a folder.`
          : 'Downloads are off (allow_remote_models: false); put the model in the cache or point params.model at a folder.';
      throw new StackError(
        503,
        'model_unavailable',
        `Prompt Guard model '${model}' (shield '${this.shieldId}') failed to load: ${(error as Error).message}. ${hint}`,
        { cause: error },
      );
    }
  }

  async dispose(): Promise<void> {
    const loaded = [...this.#classifiers.values()];
    this.#classifiers.clear();
    await Promise.allSettled(loaded.map(async (loading) => (await loading).dispose()));
  }
}
