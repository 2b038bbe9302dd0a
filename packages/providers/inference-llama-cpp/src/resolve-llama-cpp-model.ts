import { isAbsolute, resolve } from 'node:path';
import type { Model } from '@llama-stack-ts/core';
import { InvalidModelSettingsError } from './errors/invalid-model-settings-error.js';
import { UnsupportedModelSourceError } from './errors/unsupported-model-source-error.js';
import { type LlamaCppConfig, LlamaCppModelSettings, modelSettingKeys } from './llama-cpp-config.js';

/** A registered model as this provider runs it. */
export interface ResolvedLlamaCppModel {
  /** The id clients send as `model`. */
  id: string;
  kind: 'llm' | 'embedding';
  /** Absolute path of the GGUF file. */
  path: string;
  /** `provider_model_id` as the manifest wrote it. */
  source: string;
  /** The provider's defaults with the model's `metadata` overrides applied. */
  settings: LlamaCppModelSettings;
}

/**
 * Resolves a registered model: its GGUF path (a relative path against `model_dir`, else the working
 * directory) and its settings (the provider config, overridden by the llama.cpp keys of the model's
 * `metadata`; other metadata keys are left alone).
 */
export function resolveLlamaCppModel(model: Model, config: LlamaCppConfig): ResolvedLlamaCppModel {
  const source = model.provider_resource_id;
  if (source.startsWith('hf:') || source.startsWith('huggingface:')) {
    throw new UnsupportedModelSourceError({ modelId: model.identifier, source });
  }
  const base = resolve(config.model_dir ?? process.cwd());
  const path = isAbsolute(source) ? source : resolve(base, source);

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
  return {
    id: model.identifier,
    kind: model.model_type === 'embedding' ? 'embedding' : 'llm',
    path,
    source,
    settings: parsed.data,
  };
}
