import {
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type CompletionRequest,
  type CompletionResponse,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type Inference,
  type Model,
  type Models,
  NotFoundError,
} from '@llama-stack-ts/core';
import { contentToText } from '@llama-stack-ts/provider-utils';

/**
 * A deterministic inference provider that pins down the batch loop: `tiny` answers a chat with
 * `echo: <last message>` after `delayMs` (aborted by the signal), `tiny-embed` embeds a text as
 * `[length, 1]`; the streaming and batch operations, which a batch never calls, are left out. It counts the calls running at once, and every call per prompt text.
 */
export class ScriptedInference {
  active = 0;
  maxActive = 0;
  readonly calls: string[] = [];
  delayMs: number;

  constructor(delayMs = 20) {
    this.delayMs = delayMs;
  }

  get inference(): Inference {
    return {
      chatCompletion: (request: ChatCompletionRequest, options) =>
        this.#run(
          request.model,
          contentToText(request.messages.at(-1)?.content ?? ''),
          options?.signal,
          (text) => ({
            content: `echo: ${text}`,
            tool_calls: [],
            stop_reason: 'finished_ok',
            usage: { prompt_tokens: text.length, completion_tokens: 2 },
          }),
        ),
      completion: (request: CompletionRequest, options) =>
        this.#run(request.model, contentToText(request.content), options?.signal, (text) => ({
          content: ` after ${text}`,
          stop_reason: 'max_tokens',
          usage: { prompt_tokens: text.length, completion_tokens: 2 },
        })),
      embeddings: (request: EmbeddingsRequest, options) =>
        this.#run(
          request.model,
          request.contents.map((content) => contentToText(content)).join('|'),
          options?.signal,
          () => ({
            embeddings: request.contents.map((content) => [contentToText(content).length, 1]),
          }),
        ),
    } as Partial<Inference> as Inference;
  }

  async #run<Response extends ChatCompletionResponse | CompletionResponse | EmbeddingsResponse>(
    model: string,
    text: string,
    signal: AbortSignal | undefined,
    answer: (text: string) => Response,
  ): Promise<Response> {
    // As the stack's inference router does, before any provider runs.
    await scriptedModels.getModel({ identifier: model });
    this.calls.push(text);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, this.delayMs);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(signal.reason);
          },
          { once: true },
        );
      });
      return answer(text);
    } finally {
      this.active--;
    }
  }
}

const registered: readonly Model[] = [
  {
    identifier: 'tiny',
    provider_id: 'scripted',
    provider_resource_id: 'tiny',
    model_type: 'llm',
    metadata: {},
  },
  {
    identifier: 'tiny-embed',
    provider_id: 'scripted',
    provider_resource_id: 'tiny-embed',
    model_type: 'embedding',
    metadata: {},
  },
];

/** The distribution's models as the provider sees them: `tiny` (llm) and `tiny-embed`. */
export const scriptedModels: Models = {
  async listModels() {
    return { data: [...registered] };
  },
  async getModel({ identifier }) {
    const model = registered.find((candidate) => candidate.identifier === identifier);
    if (!model)
      throw new NotFoundError('model', identifier, 'Register it under `models:` in distribution.yaml.');
    return model;
  },
};
