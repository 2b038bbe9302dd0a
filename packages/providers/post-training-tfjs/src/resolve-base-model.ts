import { access } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { InvalidRequestError, type Model, type Models, type RequestOptions } from '@llama-stack-ts/core';
import {
  cachedHubModelFile,
  expandHome,
  isHubReference,
  parseHubFileReference,
} from '@llama-stack-ts/provider-utils/models';
import { llamaHyperparameters, UnsupportedArchitectureError } from '@llama-stack-ts/trainer-tfjs';
import { readGgufFileInfo } from 'node-llama-cpp';

/** The registered model a request fine-tunes, and its GGUF file. */
export interface BaseModel {
  model: Model;
  /** Absolute path of the GGUF file the trainer reads. */
  path: string;
  architecture: string;
}

/**
 * Finds the base model a request names (`registeredModels` answers an unknown one 404) and its GGUF
 * file, resolved as inline::llama-cpp resolves `provider_model_id`: absolute, `~`, relative to
 * `modelDir`, or an `hf:` file in `modelCacheDir` once downloaded. Reads the file's header so an
 * architecture the built-in trainer cannot train is a 400 before anything is queued; with
 * `anyArchitecture` (a trainer command, which trains what its script can) any GGUF model passes.
 */
export async function resolveBaseModel(
  modelId: string,
  {
    registeredModels,
    modelDir,
    modelCacheDir,
    field = 'model',
    anyArchitecture = false,
  }: {
    registeredModels: Models;
    modelDir: string;
    modelCacheDir: string;
    field?: string;
    anyArchitecture?: boolean;
  },
  options: RequestOptions = {},
): Promise<BaseModel> {
  const model = await registeredModels.getModel({ identifier: modelId }, options);
  if (model.model_type !== 'llm')
    throw new InvalidRequestError(
      field,
      `'${modelId}' is a ${model.model_type} model; name an llm to fine-tune`,
    );
  if (model.metadata.lora_adapters !== undefined)
    throw new InvalidRequestError(
      field,
      `'${modelId}' is served with LoRA adapters, which the trainer does not load; name its base model, or a dora or full fine-tune's model`,
    );
  const source = model.provider_resource_id;
  const path = isHubReference(source)
    ? hubModelPath(modelId, source, modelCacheDir, field)
    : localPath(source, modelDir);
  try {
    await access(path);
  } catch {
    throw new InvalidRequestError(field, `the GGUF file of '${modelId}' is not at ${path}`);
  }
  try {
    const info = await readGgufFileInfo(path, { logWarnings: false });
    const { architecture } = anyArchitecture
      ? { architecture: String(info.metadata.general.architecture) }
      : llamaHyperparameters(info);
    return { model, path, architecture };
  } catch (error) {
    if (error instanceof UnsupportedArchitectureError)
      throw new InvalidRequestError(field, `'${modelId}': ${error.message}`, { cause: error });
    throw new InvalidRequestError(
      field,
      `'${modelId}' (${path}) is not a GGUF model the trainer can read: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function localPath(source: string, modelDir: string): string {
  const expanded = expandHome(source);
  return isAbsolute(expanded) ? expanded : resolve(modelDir, expanded);
}

function hubModelPath(modelId: string, source: string, modelCacheDir: string, field: string): string {
  let cached: string | undefined;
  try {
    cached = cachedHubModelFile(parseHubFileReference(source), modelCacheDir);
  } catch (error) {
    throw new InvalidRequestError(
      field,
      `'${modelId}': ${source} is not a hub file reference the trainer can find`,
      {
        cause: error,
      },
    );
  }
  if (!cached)
    throw new InvalidRequestError(
      field,
      `'${modelId}' (${source}) is not downloaded into ${modelCacheDir} yet: wait for the inference provider's download ` +
        `or run \`llama-stack-ts models download ${source}\`, then submit again`,
    );
  return cached;
}
