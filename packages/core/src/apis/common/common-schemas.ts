import { z } from 'zod';

/**
 * Wire types shared by several APIs (the spec's `model_types.py`). Field names are exactly as on
 * the wire; fields with a default in the spec's dataclasses are optional on input and filled in.
 */

/** Any JSON object, as the spec's `Dict[str, Any]`. */
export const JsonObject = z.record(z.string(), z.unknown()).meta({ id: 'JsonObject' });
export type JsonObject = z.infer<typeof JsonObject>;

export const URL = z
  .string()
  .regex(/^(https?:\/\/|file:\/\/|data:)/, 'must be an http(s)://, file:// or data: URL')
  .meta({ id: 'URL', format: 'uri' });
export type URL = z.infer<typeof URL>;

export const Attachment = z
  .object({
    url: URL,
    mime_type: z.string().min(1),
  })
  .meta({
    id: 'Attachment',
    description: 'A reference to an external resource: an image, a document, audio.',
  });
export type Attachment = z.infer<typeof Attachment>;

const contentForms =
  'must be text, an attachment `{"url": "https://…/cat.png", "mime_type": "image/png"}` (an http(s)://, file:// or data: URL), or a list of both';

export const Content = z
  .union([z.string(), Attachment, z.array(z.union([z.string(), Attachment], { error: contentForms }))], {
    error: contentForms,
  })
  .meta({ id: 'Content', description: 'Text, an attachment, or a list of both interleaved.' });
export type Content = z.infer<typeof Content>;

export const Role = z.enum(['system', 'user', 'assistant', 'tool']).meta({ id: 'Role' });
export type Role = z.infer<typeof Role>;

export const ToolCall = z
  .object({
    tool_name: z.string().min(1),
    arguments: JsonObject,
  })
  .meta({ id: 'ToolCall', description: 'A request from the model to run a tool.' });
export type ToolCall = z.infer<typeof ToolCall>;

export const ToolResponse = z
  .object({
    tool_name: z.string().min(1),
    content: Content,
  })
  .meta({ id: 'ToolResponse' });
export type ToolResponse = z.infer<typeof ToolResponse>;

export const BuiltinTool = z
  .enum(['web_search', 'math', 'image_gen', 'code_interpreter'])
  .meta({ id: 'BuiltinTool' });
export type BuiltinTool = z.infer<typeof BuiltinTool>;

export const ShieldType = z.enum(['llama_guard', 'prompt_guard', 'code_guard']).meta({ id: 'ShieldType' });
export type ShieldType = z.infer<typeof ShieldType>;

export const ShieldConfig = z
  .object({
    shield_type: z
      .string()
      .min(1)
      .describe(
        'A ShieldType (llama_guard, prompt_guard, code_guard) or the id of a shield the distribution registers.',
      ),
    params: JsonObject.default({}),
  })
  .meta({ id: 'ShieldConfig' });
export type ShieldConfig = z.infer<typeof ShieldConfig>;

export const SafetyViolation = z
  .object({
    violation_type: z.string(),
    details: z.string(),
    suggested_user_response: z.string().nullish(),
  })
  .meta({ id: 'SafetyViolation' });
export type SafetyViolation = z.infer<typeof SafetyViolation>;

export const ToolDefinition = z
  .object({
    tool_name: z.union([BuiltinTool, z.string().min(1)]),
    description: z
      .string()
      .optional()
      .describe('What the tool does, shown to the model. An extension of the draft.'),
    parameters: JsonObject.nullish().describe('The JSON schema of the tool arguments.'),
    input_shields: z.array(ShieldConfig).default([]),
    output_shields: z.array(ShieldConfig).default([]),
  })
  .meta({ id: 'ToolDefinition' });
export type ToolDefinition = z.infer<typeof ToolDefinition>;

export const StopReason = z.enum(['not_stopped', 'finished_ok', 'max_tokens']).meta({ id: 'StopReason' });
export type StopReason = z.infer<typeof StopReason>;

export const Message = z
  .object({
    role: Role,
    content: Content,
    tool_calls: z.array(ToolCall).default([]),
    tool_responses: z.array(ToolResponse).default([]),
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof Message>;
export type MessageInput = z.input<typeof Message>;

export const Dialog = z
  .object({
    message: Message,
    message_history: z.array(Message).default([]),
  })
  .meta({
    id: 'Dialog',
    description: 'The July 2024 draft shape of a conversation: the last message and its history.',
  });
export type Dialog = z.infer<typeof Dialog>;

export const SamplingStrategy = z.enum(['greedy', 'top_p', 'top_k']).meta({ id: 'SamplingStrategy' });

export const SamplingParams = z
  .object({
    strategy: SamplingStrategy.default('greedy'),
    temperature: z.number().min(0).max(2).default(0),
    top_p: z.number().gt(0).max(1).default(0.95),
    top_k: z.number().int().min(0).default(0),
    max_tokens: z
      .number()
      .int('must be a whole number')
      .min(0)
      .optional()
      .describe(
        "Where later Llama Stack versions carry the request's `max_tokens`; when the request's own `max_tokens` is 0, the server moves it there before a provider sees the request.",
      ),
    seed: z.number().int().optional().describe('Seed of the sampler, for repeatable sampling. An extension.'),
    repetition_penalty: z
      .number()
      .gt(0)
      .optional()
      .describe('Penalty on repeated tokens (1 = none). An extension.'),
    frequency_penalty: z.number().min(-2).max(2).optional().describe('An extension, as in the OpenAI API.'),
    presence_penalty: z.number().min(-2).max(2).optional().describe('An extension, as in the OpenAI API.'),
  })
  .meta({ id: 'SamplingParams' });
export type SamplingParams = z.infer<typeof SamplingParams>;

/** Log probabilities of generated tokens; the spec leaves the shape open (`Dict[str, Any]`). */
export const Logprobs = JsonObject.nullish();

/** A model id: the id a distribution registers a model under (not the draft's fixed enum). */
export const ModelId = z.string().min(1, 'must name a registered model');
