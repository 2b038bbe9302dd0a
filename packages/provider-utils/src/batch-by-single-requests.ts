import type {
  BatchChatCompletionRequest,
  BatchChatCompletionResponse,
  BatchCompletionRequest,
  BatchCompletionResponse,
  RequestOptions,
  TextGenerationInference,
} from '@llama-stack-ts/core';

/**
 * The batch operations of a provider whose upstream has no batch endpoint (OpenAI-compatible
 * servers, TGI): one request per item, all in flight at once, since the upstream batches concurrent
 * requests itself. Answers in the batch's order; the first failure fails the batch.
 */
export const batchBySingleRequests = {
  completion(
    inference: Pick<TextGenerationInference, 'completion'>,
    request: BatchCompletionRequest,
    options?: RequestOptions,
  ): Promise<BatchCompletionResponse> {
    const { content_batch, ...shared } = request;
    return Promise.all(
      content_batch.map((content) => inference.completion({ ...shared, content, stream: false }, options)),
    );
  },

  chatCompletion(
    inference: Pick<TextGenerationInference, 'chatCompletion'>,
    request: BatchChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<BatchChatCompletionResponse> {
    const { batch_messages, ...shared } = request;
    return Promise.all(
      batch_messages.map((messages) =>
        inference.chatCompletion({ ...shared, messages, stream: false }, options),
      ),
    );
  },
};
