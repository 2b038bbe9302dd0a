import { isAbsolute, resolve } from 'node:path';
import type { Model } from '@llama-stack-ts/core';
import {
  cachedHubModelFile,
  expandHome,
  type HubFileReference,
  isHubReference,
  parseHubFileReference,
} from '@llama-stack-ts/provider-utils/models';
import { z } from 'zod';
import { InvalidModelSettingsError } from './errors/invalid-model-settings-error.js';
import { UnsupportedModelSourceError } from './errors/unsupported-model-source-error.js';
import { type LlamaCppConfig, LlamaCppModelSettings, modelSettingKeys } from './llama-cpp-config.js';

/**
 * `metadata.lora_adapters`: LoRA adapter GGUFs (what post-training writes) applied over the base
 * model of `provider_model_id` in the model's context.
 */
export const LoraAdapters = z
  .array(
    z.strictObject({
      path: z
        .string()
        .min(1)
        .describe('The adapter GGUF: an absolute path, or relative as `provider_model_id` is.'),
      scale: z.number().finite().default(1).describe('How much of the adapter applies; default 1.'),
    }),
  )
  .describe('LoRA adapters applied over the base GGUF, in order.');
export type LoraAdapters = z.infer<typeof LoraAdapters>;

/** A registered model as this provider runs it. */
export interface ResolvedLlamaCppModel {
  /** The id clients send as `model`. */
  id: string;
  kind: 'llm' | 'embedding';
  /** Absolute path of the GGUF file; for an `hf:` model not downloaded yet, '' until its download ends. */
  path: string;
  /** The hub file an `hf:` model comes from. */
  hub?: HubFileReference;
  /** `metadata.sha256`: the SHA-256 its download must have (default: the hub's own). */
  sha256?: string;
  /** `provider_model_id` as the manifest wrote it. */
  source: string;
  /** The provider's defaults with the model's `metadata` overrides applied. */
  settings: LlamaCppModelSettings;
  /** `metadata.lora_adapters` with absolute paths; empty for a plain model. */
  loraAdapters: LoraAdapters;
}

export interface ResolveLlamaCppModelOptions {
  /** Where a relative `model_dir` (or, without one, a relative path) resolves: the manifest's directory. Default: cwd. */
  baseDir?: string | undefined;
  /** The model cache `hf:` files are downloaded into (`~` expanded). */
  cacheDir?: string | undefined;
}

/** The directory a relative `provider_model_id` resolves against: `model_dir` (itself against `baseDir`), else `baseDir`. */
export function llamaCppModelDir(config: LlamaCppConfig, baseDir: string = process.cwd()): string {
  return config.model_dir ? resolve(baseDir, expandHome(config.model_dir)) : resolve(baseDir);
}

/**
 * Resolves a registered model: its GGUF path (a relative path against `model_dir`, else the manifest's
 * directory; an `hf:` reference to its place in the model cache) and its settings (the provider
 * config, overridden by the llama.cpp keys of the model's `metadata`; other metadata keys are left
 * alone).
 */
export function resolveLlamaCppModel(
  model: Model,
  config: LlamaCppConfig,
  options: ResolveLlamaCppModelOptions = {},
): ResolvedLlamaCppModel {
  const source = model.provider_resource_id;
  const modelDir = llamaCppModelDir(config, options.baseDir);
  const toPath = (written: string): string => {
    const expanded = expandHome(written);
    return isAbsolute(expanded) ? expanded : resolve(modelDir, expanded);
  };
  let path: string;
  let hub: HubFileReference | undefined;
  if (isHubReference(source)) {
    try {
      hub = parseHubFileReference(source);
    } catch (error) {
      throw new UnsupportedModelSourceError({
        modelId: model.identifier,
        source,
        reason: (error as Error).message,
      });
    }
    path = options.cacheDir ? (cachedHubModelFile(hub, options.cacheDir) ?? '') : '';
  } else {
    path = toPath(source);
  }

  const overrides: Record<string, unknown> = {};
  for (const key of modelSettingKeys) {
    if (model.metadata[key] !== undefined) overrides[key] = model.metadata[key];
  }
  const defaults: Record<string, unknown> = {};
  for (const key of modelSettingKeys) defaults[key] = config[key];
  const parsed = LlamaCppModelSettings.safeParse({ ...defaults, ...overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidModelSettingsError({
      modelId: model.identifier,
      field: issue?.path.join('.') ?? '(unknown)',
      reason: issue?.message ?? 'invalid value',
    });
  }
  const loraAdapters = parseLoraAdapters(model);
  return {
    id: model.identifier,
    kind: model.model_type === 'embedding' ? 'embedding' : 'llm',
    path,
    source,
    ...(hub ? { hub } : {}),
    ...(typeof model.metadata.sha256 === 'string' ? { sha256: model.metadata.sha256 } : {}),
    settings: parsed.data,
    loraAdapters: loraAdapters.map((adapter) => ({ ...adapter, path: toPath(adapter.path) })),
  };
}

function parseLoraAdapters(model: Model): LoraAdapters {
  const written = model.metadata.lora_adapters;
  if (written === undefined) return [];
  const parsed = LoraAdapters.safeParse(written);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidModelSettingsError({
      modelId: model.identifier,
      field: ['lora_adapters', ...(issue?.path ?? [])].join('.'),
      reason: `${issue?.message ?? 'invalid value'} (a list of { path: '/abs/adapter.gguf', scale?: number })`,
    });
  }
  if (parsed.data.length > 0 && model.model_type === 'embedding') {
    throw new InvalidModelSettingsError({
      modelId: model.identifier,
      field: 'lora_adapters',
      reason: 'LoRA adapters apply to llm models only; remove them or register the model as an llm.',
    });
  }
  return parsed.data;
}
