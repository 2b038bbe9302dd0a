import { parseJsonEventStream } from '@llama-stack-ts/provider-utils';
import { z } from 'zod';
import type { StreamRun } from './stream-run.js';

/** What one event of a stream says: whether it carries generated text, and the token count when it reports one. */
interface EventReading {
  text: boolean;
  tokens?: number;
}

/** One streaming route of the server, asked for greedy decoding of a fixed number of tokens. */
export interface StackSurface {
  name: string;
  path: string;
  /** The raw node-llama-cpp call that does the same work. */
  raw: 'complete' | 'chat';
  body(model: string, prompt: string, maxTokens: number): unknown;
  read(data: unknown): EventReading;
}

interface NativeChunk {
  text_delta: string;
  usage?: { completion_tokens: number };
}

interface OpenAiChunk {
  choices: { text?: string; delta?: { content?: string } }[];
  usage?: { completion_tokens: number } | null;
}

interface TgiEvent {
  token: { text: string };
  details: { generated_tokens: number } | null;
}

/** OpenAI's fields for greedy decoding with the stack's token count in the last chunk. */
const openAiGreedy = { temperature: 0, stream: true, stream_options: { include_usage: true } };

const readOpenAi = (data: unknown): EventReading => {
  const chunk = data as OpenAiChunk;
  const choice = chunk.choices[0];
  const text = choice?.text ?? choice?.delta?.content ?? '';
  return { text: text !== '', ...(chunk.usage ? { tokens: chunk.usage.completion_tokens } : {}) };
};

export const stackSurfaces: readonly StackSurface[] = [
  {
    name: 'native /inference/completion',
    path: '/inference/completion',
    raw: 'complete',
    body: (model, prompt, maxTokens) => ({
      model,
      content: prompt,
      max_tokens: maxTokens,
      stream: true,
      sampling_params: { strategy: 'greedy' },
    }),
    read(data) {
      const chunk = data as NativeChunk;
      return {
        text: chunk.text_delta !== '',
        ...(chunk.usage ? { tokens: chunk.usage.completion_tokens } : {}),
      };
    },
  },
  {
    name: 'OpenAI /v1/completions',
    path: '/v1/completions',
    raw: 'complete',
    body: (model, prompt, maxTokens) => ({ model, prompt, max_tokens: maxTokens, ...openAiGreedy }),
    read: readOpenAi,
  },
  {
    name: 'OpenAI /v1/chat/completions',
    path: '/v1/chat/completions',
    raw: 'chat',
    body: (model, prompt, maxTokens) => ({
      model,
      messages: [{ role: 'user', content: prompt }],
      max_tokens: maxTokens,
      ...openAiGreedy,
    }),
    read: readOpenAi,
  },
  {
    name: 'TGI /generate_stream',
    path: '/generate_stream',
    raw: 'complete',
    // No sampling fields: TGI decodes greedily. `details` puts the token count in the last event.
    body: (_model, prompt, maxTokens) => ({
      inputs: prompt,
      parameters: { max_new_tokens: maxTokens, details: true },
    }),
    read(data) {
      const event = data as TgiEvent;
      return {
        text: event.token.text !== '',
        ...(event.details ? { tokens: event.details.generated_tokens } : {}),
      };
    },
  },
];

/** Streams one request from the server at `baseUrl` and times it as its client sees it. */
export async function streamFromStack(
  baseUrl: string,
  surface: StackSurface,
  request: { model: string; prompt: string; maxTokens: number },
): Promise<StreamRun> {
  const started = performance.now();
  const response = await fetch(baseUrl + surface.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(surface.body(request.model, request.prompt, request.maxTokens)),
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`${surface.path} answered ${response.status}: ${await response.text()}`);
  let firstTokenMs = Number.NaN;
  let tokens: number | undefined;
  for await (const data of parseJsonEventStream({
    stream: response.body,
    schema: z.unknown(),
    url: surface.path,
  })) {
    const reading = surface.read(data);
    if (reading.text && Number.isNaN(firstTokenMs)) firstTokenMs = performance.now() - started;
    if (reading.tokens !== undefined) tokens = reading.tokens;
  }
  if (tokens === undefined) throw new Error(`${surface.path}: the stream reported no token count`);
  return { tokens, ms: performance.now() - started, firstTokenMs };
}
