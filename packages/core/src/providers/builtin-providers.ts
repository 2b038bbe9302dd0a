import type { ApiName } from '../apis/api-name.js';

/** A provider this repository publishes: where a manifest's `provider_type` is found without `module:`. */
export interface BuiltinProvider {
  api: ApiName;
  providerType: `inline::${string}` | `remote::${string}`;
  /** The npm package whose export is the ProviderSpec. */
  packageName: string;
  description: string;
}

/**
 * The one place that maps our provider types to our packages. A distribution lists the packages it
 * uses as dependencies; the resolver imports them from the distribution's directory.
 */
export const builtinProviders: readonly BuiltinProvider[] = [
  {
    api: 'inference',
    providerType: 'inline::llama-cpp',
    packageName: '@llama-stack-ts/provider-inference-llama-cpp',
    description: 'GGUF models in this process through node-llama-cpp (CPU, CUDA, Vulkan or Metal).',
  },
  {
    api: 'inference',
    providerType: 'remote::tgi',
    packageName: '@llama-stack-ts/provider-inference-tgi',
    description: 'A remote Hugging Face Text Generation Inference server.',
  },
  {
    api: 'inference',
    providerType: 'remote::openai-compat',
    packageName: '@llama-stack-ts/provider-inference-openai-compat',
    description: 'A remote OpenAI-compatible server: vLLM, Ollama, llama-server, OpenAI.',
  },
  {
    api: 'inference',
    providerType: 'inline::transformers',
    packageName: '@llama-stack-ts/provider-embeddings-transformers',
    description: 'Sentence embeddings in this process through transformers.js.',
  },
  {
    api: 'inference',
    providerType: 'inline::model2vec',
    packageName: '@llama-stack-ts/provider-embeddings-model2vec',
    description: 'Static (Model2Vec) sentence embeddings in this process: a tokenizer and a table lookup.',
  },
  {
    api: 'memory_banks',
    providerType: 'inline::lancedb',
    packageName: '@llama-stack-ts/provider-memory-lancedb',
    description: 'Memory banks in a LanceDB directory (vector and full-text search).',
  },
  {
    api: 'agentic_system',
    providerType: 'inline::reference',
    packageName: '@llama-stack-ts/provider-agents-reference',
    description: 'The reference agent loop with its tools and persistence.',
  },
  {
    api: 'safety',
    providerType: 'inline::llama-guard',
    packageName: '@llama-stack-ts/provider-safety-llama-guard',
    description: 'Llama Guard shields run through the inference API.',
  },
  {
    api: 'safety',
    providerType: 'inline::prompt-guard',
    packageName: '@llama-stack-ts/provider-safety-prompt-guard',
    description: 'Prompt Guard jailbreak and injection classifier.',
  },
  {
    api: 'safety',
    providerType: 'inline::code-scanner',
    packageName: '@llama-stack-ts/provider-safety-code-scanner',
    description: 'Scans generated code for insecure patterns.',
  },
  {
    api: 'post_training',
    providerType: 'inline::bullmq',
    packageName: '@llama-stack-ts/provider-post-training-bullmq',
    description: 'Fine-tuning jobs on a BullMQ queue with a worker process.',
  },
  {
    api: 'batch_inference',
    providerType: 'inline::bullmq',
    packageName: '@llama-stack-ts/provider-batch-inference-bullmq',
    description: 'Batch inference jobs over JSONL files on a BullMQ queue.',
  },
];

export function findBuiltinProvider(api: ApiName, providerType: string): BuiltinProvider | undefined {
  return builtinProviders.find((entry) => entry.api === api && entry.providerType === providerType);
}
