import type { OpenAiChatLogprobs, OpenAiCompletionLogprobs } from './to-openai-logprobs.js';

/** Wire types of the answers of the OpenAI-compatible routes (what the `openai` client parses). */

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string | null; refusal: null; tool_calls?: OpenAiToolCall[] };
    logprobs: OpenAiChatLogprobs | null;
    finish_reason: FinishReason;
  }[];
  usage: OpenAiUsage;
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: {
    role?: 'assistant';
    content?: string;
    tool_calls?: (OpenAiToolCall & { index: number })[];
  };
  logprobs: OpenAiChatLogprobs | null;
  finish_reason: FinishReason | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: ChatCompletionChunkChoice[];
  usage?: OpenAiUsage | null;
}

export interface TextCompletionChoice {
  text: string;
  index: number;
  logprobs: OpenAiCompletionLogprobs | null;
  finish_reason: FinishReason | null;
}

export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: TextCompletionChoice[];
  usage?: OpenAiUsage | null;
}

export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface EmbeddingList {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** What every answer and chunk of one request shares. */
export interface ResponseHead {
  id: string;
  created: number;
  model: string;
  systemFingerprint: string;
}
