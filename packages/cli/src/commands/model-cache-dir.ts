import { resolve } from 'node:path';
import { expandHome, resolveModelCacheDir } from '@llama-stack-ts/provider-utils/models';

/**
 * The folder the `models` commands work on: `--dir`, else `LLAMA_STACK_TS_MODEL_CACHE` (what the
 * provider templates set `model_cache_dir` from), else the providers' default
 * (`$LLAMA_STACK_TS_HOME/models`, else `~/.llama-stack-ts/models`), so `hf:` files downloaded here
 * are the ones `inline::llama-cpp` finds.
 */
export function modelCacheDir(dir: string | undefined): string {
  if (dir) return resolve(expandHome(dir));
  return resolve(resolveModelCacheDir(process.env.LLAMA_STACK_TS_MODEL_CACHE || undefined));
}
