import { resolve } from 'node:path';
import { resolveModelCacheDir } from '@llama-stack-ts/provider-utils/models';

/**
 * The folder the `models` commands work on: `--dir`, else the providers' default
 * (`$LLAMA_STACK_TS_MODEL_CACHE`, else `$LLAMA_STACK_TS_HOME/models`, else `~/.llama-stack-ts/models`),
 * so `hf:` files downloaded here are the ones `inline::llama-cpp` finds.
 */
export function modelCacheDir(dir: string | undefined): string {
  return resolve(resolveModelCacheDir(dir || undefined));
}
