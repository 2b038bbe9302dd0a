import { type ApiName, apiNames } from '@llama-stack-ts/core';

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
    api: 'inference',
    providerType: 'remote::openai',
    packageName: '@llama-stack-ts/provider-inference-remote-openai',
    description:
      'An OpenAI-compatible server over HTTP (vLLM, Ollama, llama.cpp server, OpenAI, another llama-stack-ts).',
  },
  {
    api: 'inference',
    providerType: 'remote::tgi',
    packageName: '@llama-stack-ts/provider-inference-remote-tgi',
    description:
      'A Text Generation Inference server over HTTP (/generate, /generate_stream, /tokenize, /info).',
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
    description:
      'The reference agent loop (shields, memory, tools, sessions), persisted on disk or in Redis.',
  },
  {
    api: 'safety',
    providerType: 'inline::shields',
    packageName: '@llama-stack-ts/provider-safety-shields',
    description:
      'Shields in this process: Llama Guard (on an inference model), Prompt Guard (transformers.js), a code scanner and banned-term regexes.',
  },
  {
    api: 'reward_scoring',
    providerType: 'inline::llm-judge',
    packageName: '@llama-stack-ts/provider-reward-scoring-llm-judge',
    description:
      'An llm judges answers by a rubric through the inference API; a grammar keeps the score in range.',
  },
  {
    api: 'reward_scoring',
    providerType: 'inline::classifier',
    packageName: '@llama-stack-ts/provider-reward-scoring-classifier',
    description:
      'A sequence-classification reward model (ONNX, transformers.js) scores (prompt, answer) pairs.',
  },
  {
    api: 'synthetic_data_generation',
    providerType: 'inline::reference',
    packageName: '@llama-stack-ts/provider-synthetic-data-reference',
    description:
      'k candidates per prompt, scored by a reward model, filtered, saved as a dataset; large runs as jobs.',
  },
  {
    api: 'post_training',
    providerType: 'inline::tfjs',
    packageName: '@llama-stack-ts/provider-post-training-tfjs',
    description:
      'LoRA, QLoRA, DoRA, full fine-tuning and DPO of llama GGUF models in TensorFlow.js as jobs, checkpointed; the result is served as <job_uuid>.',
  },
  {
    api: 'datasets',
    providerType: 'inline::localfs',
    packageName: '@llama-stack-ts/provider-datasets-localfs',
    description:
      'Datasets registered in the data directory: JSONL, JSON, CSV or Parquet rows from file://, http(s) or data: URLs.',
  },
  {
    api: 'files',
    providerType: 'inline::localfs',
    packageName: '@llama-stack-ts/provider-files-localfs',
    description:
      "OpenAI's Files API in the data directory: uploads streamed to disk and put in place atomically, expiry honoured.",
  },
  {
    api: 'batch_inference',
    providerType: 'inline::jobs',
    packageName: '@llama-stack-ts/provider-batch-inference-jobs',
    description:
      "Batch inference as jobs on the stack's job engine (BullMQ on Redis): lines through the inference API with continuous batching, resumable parts.",
  },
  // One package forwards every API, so it is the `remote::llama-stack` of each.
  ...apiNames.map(
    (api): BuiltinProvider => ({
      api,
      providerType: 'remote::llama-stack',
      packageName: '@llama-stack-ts/provider-remote-llama-stack',
      description: `The ${api} API of another llama-stack-ts server, forwarded through the typed client.`,
    }),
  ),
];
