import type {
  EmbeddingInference,
  EmbeddingsRequest,
  EmbeddingsResponse,
  RequestOptions,
} from '@llama-stack-ts/core';
import { model2VecProviderSpec } from '@llama-stack-ts/provider-embeddings-model2vec';
import { RecordingLogger } from '@llama-stack-ts/provider-utils/test';
import { model2vecDir } from './test-models.js';

/**
 * The real `inline::model2vec` provider on the model2vec model in shared/models (vocabulary-quantized,
 * distilled from bge-base-en-v1.5), registered under the model id `model2vec-test`, wrapped so tests
 * can see what was embedded (`calls`) and make a call fail (`failWhen`, to test that a failed
 * embedding leaves a bank untouched). Only the one Inference method this provider calls is served.
 */
export class Model2vecTestEmbedder {
  static readonly modelId = 'model2vec-test';
  readonly calls: string[][] = [];
  failWhen: ((text: string) => boolean) | undefined;

  private constructor(
    private readonly inference: EmbeddingInference,
    readonly dimension: number,
  ) {}

  static async load(directory = model2vecDir): Promise<Model2vecTestEmbedder> {
    const model = {
      identifier: Model2vecTestEmbedder.modelId,
      provider_id: 'model2vec',
      provider_resource_id: directory,
      model_type: 'embedding' as const,
      metadata: {} as Record<string, unknown>,
    };
    const instance = await model2VecProviderSpec.create(model2VecProviderSpec.configSchema.parse({}), {
      providerId: 'model2vec',
      dataDir: directory,
      deps: {},
      models: [model],
      logger: new RecordingLogger(),
    });
    // preload (the default) loaded the model and wrote its dimension into the registered entry.
    return new Model2vecTestEmbedder(instance.implementation, Number(model.metadata.embedding_dimension));
  }

  async embeddings(request: EmbeddingsRequest, options: RequestOptions = {}): Promise<EmbeddingsResponse> {
    options.signal?.throwIfAborted();
    const texts = request.contents.map((content) =>
      (Array.isArray(content) ? content : [content])
        .filter((part): part is string => typeof part === 'string')
        .join(' '),
    );
    this.calls.push(texts);
    const failing = texts.find((text) => this.failWhen?.(text));
    if (failing !== undefined) throw new Error(`embedding failed on purpose for '${failing.slice(0, 40)}'`);
    return this.inference.embeddings(request, options);
  }

  /** Every text embedded so far, in order. */
  get embeddedTexts(): string[] {
    return this.calls.flat();
  }
}
