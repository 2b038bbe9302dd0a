import { join } from 'node:path';
import {
  type Inference,
  NotFoundError,
  type RequestOptions,
  type RunShieldRequest,
  type RunShieldResponse,
  type Safety,
  type ShieldRegistration,
} from '@llama-stack-ts/core';
import { CodeGuardShield } from './code-guard/code-guard-shield.js';
import { LlamaGuardShield } from './llama-guard/llama-guard-shield.js';
import { PromptGuardShield } from './prompt-guard/prompt-guard-shield.js';
import { RegexShield } from './regex-shield.js';
import type { Shield } from './shield.js';
import { type ConfiguredShield, type ShieldsConfig, ShieldsShieldType } from './shields-config.js';

export interface ShieldsSafetyOptions {
  config: ShieldsConfig;
  dataDir: string;
  inference?: Inference | undefined;
}

interface RegisteredShield {
  shield: Shield;
  params: ConfiguredShield['params'];
}

/** Shield types that need no settings, so `shield_type: code_guard` runs with no entry at all. */
const runnableByTypeAlone = new Set<string>(['code_guard', 'regex']);

/**
 * The Safety API over configured shields. `runShield` finds the shield by id first, then by type
 * (the first shield of that type), then builds a settings-free one (code_guard) on the spot.
 */
export class ShieldsSafety implements Safety {
  readonly #byId = new Map<string, RegisteredShield>();
  readonly #options: ShieldsSafetyOptions;

  constructor(options: ShieldsSafetyOptions) {
    this.#options = options;
    for (const entry of options.config.shields) this.register(entry);
  }

  /** Adds a shield (from the config, the manifest's `shields:`, or a later registration). */
  register(entry: ConfiguredShield): void {
    this.#byId.set(entry.shield_id, {
      shield: this.#create(entry.shield_id, entry.shield_type),
      params: entry.params,
    });
  }

  /** Adds a manifest `shields:` entry; its type defaults to its id (`shield_id: code_guard`). */
  registerEntry(entry: ShieldRegistration): void {
    const id = entry.provider_shield_id ?? entry.shield_id;
    const type = ShieldsShieldType.safeParse(entry.shield_type ?? id);
    if (!type.success) {
      throw new NotFoundError(
        'shield type',
        entry.shield_type ?? id,
        `Shield '${entry.shield_id}': inline::shields serves ${ShieldsShieldType.options.join(', ')}; set shield_type to one of them.`,
      );
    }
    this.register({ shield_id: entry.shield_id, shield_type: type.data, params: entry.params });
    if (id !== entry.shield_id)
      this.register({ shield_id: id, shield_type: type.data, params: entry.params });
  }

  /** The ids this provider answers to. */
  get shieldIds(): string[] {
    return [...this.#byId.keys()];
  }

  async runShield(request: RunShieldRequest, options: RequestOptions = {}): Promise<RunShieldResponse> {
    const found = this.#find(request.shield_type);
    options.signal?.throwIfAborted();
    const violation = await found.shield.run(
      request.messages,
      { ...found.params, ...request.params },
      options,
    );
    return { violation };
  }

  #find(name: string): RegisteredShield {
    const byId = this.#byId.get(name);
    if (byId) return byId;
    const byType = [...this.#byId.values()].find((entry) => entry.shield.shieldType === name);
    if (byType) return byType;
    if (runnableByTypeAlone.has(name)) {
      const created = { shield: this.#create(name, name as ShieldsShieldType), params: {} };
      this.#byId.set(name, created);
      return created;
    }
    const known = [...new Set([...this.#byId.keys(), ...runnableByTypeAlone])];
    throw new NotFoundError(
      'shield',
      name,
      `This stack serves: ${known.join(', ')}. Register it under \`shields:\` in distribution.yaml (llama_guard and prompt_guard need params, e.g. the guard model).`,
    );
  }

  #create(id: string, type: ShieldsShieldType): Shield {
    switch (type) {
      case 'code_guard':
        return new CodeGuardShield(id);
      case 'regex':
        return new RegexShield(id);
      case 'llama_guard':
        return new LlamaGuardShield(id, this.#options.inference);
      case 'prompt_guard':
        return new PromptGuardShield(id, {
          cacheDir: this.#options.config.model_cache_dir ?? join(this.#options.dataDir, 'models'),
          allowRemoteModels: this.#options.config.allow_remote_models,
          baseDir: this.#options.config.model_base_dir ?? process.cwd(),
        });
    }
  }

  async dispose(): Promise<void> {
    const shields = [...this.#byId.values()].map((entry) => entry.shield);
    this.#byId.clear();
    await Promise.allSettled(shields.map((shield) => shield.dispose?.()));
  }
}
