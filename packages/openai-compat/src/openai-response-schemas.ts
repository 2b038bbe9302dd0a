import { z } from 'zod';

/** Wire schemas of the answers of the OpenAI-compatible routes (what the `openai` client parses). */

export const OpenAiUsage = z
  .object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
  })
  .meta({ id: 'OpenAiUsage' });
export type OpenAiUsage = z.infer<typeof OpenAiUsage>;

export const OpenAiToolCall = z
  .object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({
      name: z.string(),
      arguments: z.string().describe('The arguments as a JSON object encoded in a string.'),
    }),
  })
  .meta({ id: 'OpenAiToolCall' });
export type OpenAiToolCall = z.infer<typeof OpenAiToolCall>;

export const FinishReason = z.enum(['stop', 'length', 'tool_calls']).meta({ id: 'OpenAiFinishReason' });
export type FinishReason = z.infer<typeof FinishReason>;

const OpenAiTopLogprob = z.object({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number().int()).describe("The token's UTF-8 bytes."),
});

/** A chat choice's `logprobs`: one entry per token, with up to `top_logprobs` alternatives. */
export const OpenAiChatLogprobs = z
  .object({
    content: z.array(OpenAiTopLogprob.extend({ top_logprobs: z.array(OpenAiTopLogprob) })),
    refusal: z.null(),
  })
  .meta({ id: 'OpenAiChatLogprobs' });
export type OpenAiChatLogprobs = z.infer<typeof OpenAiChatLogprobs>;
export type OpenAiTokenLogprob = OpenAiChatLogprobs['content'][number];

/** A legacy completion choice's `logprobs`: parallel lists, alternatives as `{ token: logprob }`. */
export const OpenAiCompletionLogprobs = z
  .object({
    tokens: z.array(z.string()),
    token_logprobs: z.array(z.number()),
    top_logprobs: z.array(z.record(z.string(), z.number())),
    text_offset: z.array(z.number().int()),
  })
  .meta({ id: 'OpenAiCompletionLogprobs' });
export type OpenAiCompletionLogprobs = z.infer<typeof OpenAiCompletionLogprobs>;

/** The fields every answer and chunk leads with, in OpenAI's order. */
const head = <Kind extends string>(object: Kind) => ({
  id: z.string(),
  object: z.literal(object),
  created: z.number().int().describe('Seconds since the epoch.'),
  model: z.string(),
  system_fingerprint: z.string(),
});

export const ChatCompletion = z
  .object({
    ...head('chat.completion'),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string().nullable(),
          refusal: z.null(),
          tool_calls: z.array(OpenAiToolCall).optional(),
        }),
        logprobs: OpenAiChatLogprobs.nullable(),
        finish_reason: FinishReason,
      }),
    ),
    usage: OpenAiUsage,
  })
  .meta({ id: 'OpenAiChatCompletion' });
export type ChatCompletion = z.infer<typeof ChatCompletion>;

export const ChatCompletionChunkChoice = z.object({
  index: z.number().int(),
  delta: z.object({
    role: z.literal('assistant').optional(),
    content: z.string().optional(),
    tool_calls: z.array(OpenAiToolCall.extend({ index: z.number().int() })).optional(),
  }),
  logprobs: OpenAiChatLogprobs.nullable(),
  finish_reason: FinishReason.nullable(),
});
export type ChatCompletionChunkChoice = z.infer<typeof ChatCompletionChunkChoice>;

export const ChatCompletionChunk = z
  .object({
    ...head('chat.completion.chunk'),
    choices: z.array(ChatCompletionChunkChoice),
    usage: OpenAiUsage.nullish().describe(
      'With `stream_options.include_usage`: null on every chunk but the last, which has no choices.',
    ),
  })
  .meta({ id: 'OpenAiChatCompletionChunk' });
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>;

export const TextCompletionChoice = z.object({
  text: z.string(),
  index: z.number().int(),
  logprobs: OpenAiCompletionLogprobs.nullable(),
  finish_reason: FinishReason.nullable(),
});
export type TextCompletionChoice = z.infer<typeof TextCompletionChoice>;

/** The answer of `POST /v1/completions`, and each chunk of its stream. */
export const TextCompletion = z
  .object({
    ...head('text_completion'),
    choices: z.array(TextCompletionChoice),
    usage: OpenAiUsage.nullish(),
  })
  .meta({ id: 'OpenAiTextCompletion' });
export type TextCompletion = z.infer<typeof TextCompletion>;

export const OpenAiModel = z
  .object({
    id: z.string(),
    object: z.literal('model'),
    created: z.number().int(),
    owned_by: z.string().describe('The provider serving the model.'),
  })
  .meta({ id: 'OpenAiModel' });
export type OpenAiModel = z.infer<typeof OpenAiModel>;

export const OpenAiModelList = z
  .object({ object: z.literal('list'), data: z.array(OpenAiModel) })
  .meta({ id: 'OpenAiModelList' });
export type OpenAiModelList = z.infer<typeof OpenAiModelList>;

export const EmbeddingList = z
  .object({
    object: z.literal('list'),
    data: z.array(
      z.object({
        object: z.literal('embedding'),
        index: z.number().int(),
        embedding: z
          .union([z.array(z.number()), z.string()])
          .describe('The vector; with `encoding_format: base64`, little-endian float32 in base64.'),
      }),
    ),
    model: z.string(),
    usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
  })
  .meta({ id: 'OpenAiEmbeddingList' });
export type EmbeddingList = z.infer<typeof EmbeddingList>;
