import { z } from 'zod';
import { generationRequestFields, MaxTokens } from './openai-common-schemas.js';

/** The request of `POST /v1/chat/completions`: the fields this server reads, loosely. */

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const ImagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), z.object({ url: z.string(), detail: z.string().nullish() })]),
});
const RefusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

export const ChatContentPart = z.discriminatedUnion('type', [TextPart, ImagePart, RefusalPart], {
  error: "must be a content part of type 'text' or 'image_url' (other part types are not supported)",
});
export type ChatContentPart = z.infer<typeof ChatContentPart>;

const Content = z.union([z.string(), z.array(ChatContentPart)], {
  error: 'must be a string or a list of content parts',
});

export const ChatMessageToolCall = z.object({
  id: z.string(),
  type: z.literal('function').default('function'),
  function: z.object({ name: z.string().min(1, 'must not be empty'), arguments: z.string() }),
});
export type ChatMessageToolCall = z.infer<typeof ChatMessageToolCall>;

export const ChatMessage = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.literal('system'), content: Content, name: z.string().nullish() }),
    z.object({ role: z.literal('developer'), content: Content, name: z.string().nullish() }),
    z.object({ role: z.literal('user'), content: Content, name: z.string().nullish() }),
    z.object({
      role: z.literal('assistant'),
      content: Content.nullish(),
      name: z.string().nullish(),
      refusal: z.string().nullish(),
      tool_calls: z.array(ChatMessageToolCall).nullish(),
    }),
    z.object({ role: z.literal('tool'), content: Content, tool_call_id: z.string() }),
    z.object({ role: z.literal('function'), content: z.string().nullish(), name: z.string().min(1) }),
  ],
  { error: "must have a role of 'system', 'developer', 'user', 'assistant', 'tool' or 'function'" },
);
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatTool = z.object({
  type: z.literal('function', { error: "only tools of type 'function' are supported" }),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes'),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});
export type ChatTool = z.infer<typeof ChatTool>;

export const ChatToolChoice = z.union(
  [
    z.enum(['none', 'auto', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
  ],
  { error: `must be 'none', 'auto', 'required' or { "type": "function", "function": { "name": … } }` },
);
export type ChatToolChoice = z.infer<typeof ChatToolChoice>;

/** OpenAI's formats, plus TGI's grammar forms (`json` with a schema, `regex`), which TGI accepts here. */
export const ChatResponseFormat = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      json_schema: z.object({
        name: z.string().nullish(),
        description: z.string().nullish(),
        schema: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      }),
    }),
    z.object({ type: z.literal('json'), value: z.unknown() }),
    z.object({ type: z.literal('regex'), value: z.string() }),
  ],
  { error: "must have a type of 'text', 'json_object' or 'json_schema'" },
);
export type ChatResponseFormat = z.infer<typeof ChatResponseFormat>;

export const ChatCompletionCreateRequest = z
  .object({
    ...generationRequestFields,
    messages: z
      .array(ChatMessage, { error: 'must be a list of messages' })
      .min(1, 'must hold at least one message'),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int('must be an integer').min(0).max(20, 'must be at most 20').nullish(),
    max_completion_tokens: MaxTokens,
    tools: z.array(ChatTool).nullish(),
    tool_choice: ChatToolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    response_format: ChatResponseFormat.nullish(),
  })
  .superRefine((value, ctx) => {
    if (value.top_logprobs !== null && value.top_logprobs !== undefined && value.logprobs !== true) {
      ctx.addIssue({
        code: 'custom',
        path: ['top_logprobs'],
        message: '`logprobs` must be true when `top_logprobs` is set',
      });
    }
  })
  .meta({ id: 'OpenAiChatCompletionRequest' });
export type ChatCompletionCreateRequest = z.infer<typeof ChatCompletionCreateRequest>;
