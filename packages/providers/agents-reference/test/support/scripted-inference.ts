import type {
  ChatCompletionRequest,
  ChatCompletionResponseStreamChunk,
  Inference,
  ToolCall,
} from '@llama-stack-ts/core';

/** One scripted model answer: text and/or tool calls. */
export interface ScriptedAnswer {
  text?: string;
  toolCalls?: ToolCall[];
}

/**
 * An inference implementation that answers from a script, one answer per call, and records each
 * request, so a test pins each branch of the agent loop. The real-model path is covered by the
 * llama-cpp stack test.
 */
export class ScriptedInference implements Pick<Inference, 'streamChatCompletion'> {
  readonly requests: ChatCompletionRequest[] = [];

  constructor(private readonly script: ScriptedAnswer[] | ((call: number) => ScriptedAnswer)) {}

  async *streamChatCompletion(
    request: ChatCompletionRequest,
  ): AsyncGenerator<ChatCompletionResponseStreamChunk> {
    this.requests.push(structuredClone(request));
    const call = this.requests.length;
    const answer = typeof this.script === 'function' ? this.script(call) : this.script[call - 1];
    if (!answer) throw new Error(`the script has no answer for inference call ${call}`);
    // Text arrives in two deltas, as a streaming model sends it.
    const text = answer.text ?? '';
    const middle = Math.ceil(text.length / 2);
    for (const delta of [text.slice(0, middle), text.slice(middle)]) {
      if (delta) yield { text_delta: delta };
    }
    for (const toolCall of answer.toolCalls ?? []) yield { text_delta: '', tool_call: toolCall };
    yield { text_delta: '', stop_reason: 'finished_ok' };
  }
}
