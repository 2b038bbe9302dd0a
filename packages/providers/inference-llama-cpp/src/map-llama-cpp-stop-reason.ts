import type { StopReason } from '@llama-stack-ts/core';

/** Why node-llama-cpp stopped (`LlamaChatResponse` / `LlamaCompletionResponse` `metadata.stopReason`). */
export type LlamaCppStopReason =
  | 'eogToken'
  | 'stopGenerationTrigger'
  | 'customStopTrigger'
  | 'functionCalls'
  | 'maxTokens'
  | 'abort';

/**
 * The spec's stop reason for node-llama-cpp's: the end of the turn (an end-of-generation token, the
 * template's stop text, a `stop` string of the request, or a finished tool call) is `finished_ok`;
 * running out of `max_tokens` or of context is `max_tokens`; an aborted generation is `not_stopped`.
 */
export function mapLlamaCppStopReason(reason: LlamaCppStopReason): StopReason {
  switch (reason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
    case 'functionCalls':
      return 'finished_ok';
    case 'maxTokens':
      return 'max_tokens';
    case 'abort':
      return 'not_stopped';
  }
}
