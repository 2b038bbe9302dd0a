export { ApiCallError, type ApiCallErrorOptions } from './api-call-error.js';
export { batchBySingleRequests } from './batch-by-single-requests.js';
export { attachmentText, type ContentToTextOptions, contentToText } from './content/content-to-text.js';
export {
  type DataUrlContent,
  type DecodeDataUrlOptions,
  dataUrlMediaType,
  decodeDataUrl,
} from './content/decode-data-url.js';
export { ErrorResponse } from './error-response.js';
export { EventLoopSlices } from './event-loop-slices.js';
export type { FetchFunction } from './fetch-function.js';
export { freePort } from './free-port.js';
export { InvalidResponseError } from './invalid-response-error.js';
export { isAbortError } from './is-abort-error.js';
export { isProcessAlive } from './is-process-alive.js';
export { type LoadApiKeyOptions, loadApiKey } from './load-api-key.js';
export { LoadApiKeyError } from './load-api-key-error.js';
export { type ParseJsonEventStreamOptions, parseJsonEventStream } from './parse-json-event-stream.js';
export { parseRetryAfterMs } from './parse-retry-after.js';
export {
  type ApiCallOptions,
  callApi,
  getFromApi,
  type PostToApiOptions,
  postJsonToApi,
  postToApi,
  type RequestHeaders,
} from './post-to-api.js';
export { ProgressBar, type ProgressBarOptions, type ProgressStream } from './progress-bar.js';
export { redactUrl } from './redact-url.js';
export {
  createEventSourceResponseHandler,
  createJsonErrorResponseHandler,
  createJsonResponseHandler,
  createStatusCodeErrorResponseHandler,
  extractResponseHeaders,
  type JsonErrorResponseHandlerOptions,
  type ResponseHandler,
  type ResponseHandlerOptions,
  type ResponseHandlerResult,
} from './response-handler.js';
export { type RetryOptions, retryDelayMs } from './retry-delay.js';
export { shareConcurrentGets } from './share-concurrent-gets.js';
export { softmax } from './softmax.js';
export { summarizeIssues } from './summarize-issues.js';
export { toGatewayError } from './to-gateway-error.js';
export { upstreamAnswerOf } from './upstream-answer-of.js';
export {
  type UpstreamCallConfig,
  upstreamCallConfigFields,
  upstreamCallOptions,
} from './upstream-call-config.js';
export { parseJson, validateTypes } from './validate-types.js';
export { fileIdentity, withFileLock } from './with-file-lock.js';
