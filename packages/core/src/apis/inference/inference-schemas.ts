import { z } from 'zod';
import {
  Content,
  Dialog,
  JsonObject,
  Message,
  ModelId,
  SamplingParams,
  StopReason,
  ToolCall,
  ToolDefinition,
} from '../common/common-schemas.js';

/**
 * Wire types of the Inference API (the spec's `api_definitions.py`, July 2024 draft), plus the
 * fields later Llama Stack versions added, each marked as an extension in its description.
 *
 * Request schemas are parsed by the server before a provider sees the request, so providers get
 * the output types: every default filled, `logprobs` normalised to `false | { top_k }`, and chat
 * conversations normalised to `messages`.
 */

/**
 * The largest token budget any surface takes (`max_tokens`, TGI's `max_new_tokens`): far past any
 * context window, and a safe integer, so a huge budget is told what the limit is rather than that
 * it is not an integer. Checked before the integer check, so that it is the first problem named.
 */
export const maxTokensLimit = 2 ** 31 - 1;

const maxTokens = z
  .number()
  .min(0)
  .max(maxTokensLimit, { error: `must be at most ${maxTokensLimit}`, abort: true })
  .int('must be a whole number')
  .default(0)
  .describe('Most tokens to generate; 0 generates until the end of the turn or of the context window.');

/**
 * Later Llama Stack sends the budget as `sampling_params.max_tokens`; parsed requests carry it in
 * `max_tokens` (unless that was set itself), so providers read one field.
 */
function takeSamplingMaxTokens<Request extends { max_tokens: number; sampling_params: SamplingParams }>(
  request: Request,
): Request {
  const fromSampling = request.sampling_params.max_tokens;
  return request.max_tokens > 0 || !fromSampling ? request : { ...request, max_tokens: fromSampling };
}

const stream = z
  .boolean()
  .default(false)
  .describe('Answer with Server-Sent Events, one chunk per `data:` line.');

/** How many alternatives per position a provider may be asked for (as in the OpenAI API). */
export const maxLogprobsTopK = 20;

/** The object form of `logprobs` in a request. */
export const LogprobsConfig = z
  .object({
    top_k: z
      .number()
      .int('must be a whole number')
      .min(1)
      .max(maxLogprobsTopK)
      .default(1)
      .describe(
        `How many most likely tokens to report for each generated position, 1 to ${maxLogprobsTopK}.`,
      ),
  })
  .meta({ id: 'LogprobsConfig' });
export type LogprobsConfig = z.infer<typeof LogprobsConfig>;

/**
 * `logprobs` in a request: the draft's boolean, or (an extension from later Llama Stack) an object
 * naming how many alternatives to report. Normalised so providers check one shape:
 * `false` stays `false`, `true` becomes `{ top_k: 1 }` (the sampled token's log probability and the
 * single most likely token at each position), an object is kept.
 */
export const LogprobsRequest = z
  .union([z.boolean(), LogprobsConfig], {
    error: `must be true, false or { "top_k": 1..${maxLogprobsTopK} }`,
  })
  .default(false)
  .transform((value): false | LogprobsConfig => (value === true ? { top_k: 1 } : value))
  .describe(
    'false (default): no log probabilities. true: the same as { "top_k": 1 }. ' +
      `{ "top_k": n } (extension, 1..${maxLogprobsTopK}): the log probability of each generated token ` +
      'and of the n most likely tokens at its position, returned in the response `logprobs`.',
  );
export type LogprobsRequest = z.infer<typeof LogprobsRequest>;

const tokenId = z
  .number()
  .int('must be a whole number')
  .min(0)
  .optional()
  .describe(
    "The token's id in the model's vocabulary, when the provider knows it (TGI `details` show it). An extension.",
  );

/** One of the most likely tokens at a position. */
export const TopLogprob = z
  .object({
    token: z.string().describe('The token text (may be a partial UTF-8 character rendered as it decodes).'),
    logprob: z.number().describe('Natural log of its probability; 0 is certain.'),
    token_id: tokenId,
  })
  .meta({ id: 'TopLogprob' });
export type TopLogprob = z.infer<typeof TopLogprob>;

/** The log probability of one generated token, with the most likely alternatives at its position. */
export const TokenLogprob = z
  .object({
    token: z.string().describe('The generated token text.'),
    logprob: z.number().describe('Natural log of the probability of the generated token.'),
    token_id: tokenId,
    special: z
      .boolean()
      .optional()
      .describe('Whether the token is a special (control) token such as end-of-sequence. An extension.'),
    top_logprobs: z
      .array(TopLogprob)
      .default([])
      .describe(
        'The `top_k` most likely tokens at this position, most likely first (the generated token may be among them).',
      ),
  })
  .meta({ id: 'TokenLogprob' });
export type TokenLogprob = z.infer<typeof TokenLogprob>;

/**
 * `logprobs` in a response or chunk. The spec types it as an open `Dict[str, Any]`; we fix the one
 * key providers fill, `content`: one `TokenLogprob` per generated token, in order (in a stream
 * chunk, the tokens of that chunk's `text_delta`). Other keys are allowed and passed through, so
 * the object stays a valid `Dict[str, Any]` and a provider may add backend-specific data.
 * `null` or absent when the request did not ask for log probabilities.
 */
export const TokenLogprobs = z
  .looseObject({
    content: z.array(TokenLogprob).describe('One entry per generated token, in order.'),
  })
  .meta({ id: 'TokenLogprobs' });
export type TokenLogprobs = z.infer<typeof TokenLogprobs>;

const responseLogprobs = TokenLogprobs.nullish().describe(
  'Present when the request set `logprobs`: `{ content: TokenLogprob[] }`.',
);

/**
 * How many tokens a call used; an extension (as the OpenAI API's `usage`). Providers fill it when
 * they know the counts: on a response, and on the last chunk of a stream.
 */
export const TokenUsage = z
  .object({
    prompt_tokens: z
      .number()
      .int('must be a whole number')
      .min(0)
      .describe('Tokens of the prompt (after templating).'),
    completion_tokens: z
      .number()
      .int('must be a whole number')
      .min(0)
      .describe('Tokens generated; 0 for embeddings.'),
  })
  .meta({ id: 'TokenUsage' });
export type TokenUsage = z.infer<typeof TokenUsage>;

const responseUsage = TokenUsage.nullish().describe(
  'Token counts of the call, when the provider knows them (on a stream, the last chunk). An extension.',
);

/** Constrained decoding; an extension from later Llama Stack. */
export const ResponseFormat = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('json_schema'),
        json_schema: JsonObject.describe('A JSON Schema the generated text must satisfy as JSON.'),
      })
      .meta({ id: 'JsonSchemaResponseFormat' }),
    z
      .object({
        type: z.literal('grammar'),
        bnf: z
          .string()
          .min(1, 'must be a non-empty GBNF grammar')
          .describe('A GBNF grammar (llama.cpp syntax) the text must match.'),
      })
      .meta({ id: 'GrammarResponseFormat' }),
  ])
  .meta({
    id: 'ResponseFormat',
    description:
      'Constrains the generated text to a JSON schema or a grammar. An extension from later Llama Stack.',
  });
export type ResponseFormat = z.infer<typeof ResponseFormat>;

const stop = z
  .array(z.string().min(1, 'a stop sequence must not be empty'))
  .optional()
  .describe(
    'Stop generating when the text produces any of these strings (not included in the output). An extension.',
  );

const responseFormat = ResponseFormat.optional();

/** Which tool the model may call; an extension from later Llama Stack and the OpenAI API. */
export const ToolChoice = z
  .union(
    [
      z.enum(['auto', 'required', 'none']),
      z
        .object({ tool_name: z.string().min(1) })
        .describe('Call exactly this tool (one of `available_tools`).'),
    ],
    {
      error: `must be 'auto', 'required', 'none' or { "tool_name": "<one of available_tools>" }`,
    },
  )
  .meta({
    id: 'ToolChoice',
    description:
      "'auto' (default): the model decides; 'required': it must call one of `available_tools`; " +
      "'none': it must answer in text; { tool_name }: it must call that tool. An extension.",
  });
export type ToolChoice = z.infer<typeof ToolChoice>;

const availableTools = z
  .array(ToolDefinition)
  .default([])
  .describe('Tools the model may call (zero-shot definitions).');

/** Checks that `tool_choice` can be honoured with the tools on offer. */
function checkToolChoice(
  value: { tool_choice?: ToolChoice | undefined; available_tools: readonly ToolDefinition[] },
  ctx: z.RefinementCtx,
): void {
  const choice = value.tool_choice;
  if (choice === 'required' && value.available_tools.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['tool_choice'],
      message: "'required' needs at least one tool in `available_tools`",
    });
  }
  if (
    typeof choice === 'object' &&
    !value.available_tools.some((tool) => tool.tool_name === choice.tool_name)
  ) {
    const offered = value.available_tools.map((tool) => tool.tool_name);
    ctx.addIssue({
      code: 'custom',
      path: ['tool_choice', 'tool_name'],
      message: `'${choice.tool_name}' is not in \`available_tools\` (${offered.length > 0 ? offered.join(', ') : 'none given'})`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------

export const CompletionRequest = z
  .object({
    model: ModelId.describe('The id of a registered model.'),
    content: Content.describe('The prompt: text, an attachment, or both interleaved.'),
    sampling_params: SamplingParams.prefault({}),
    max_tokens: maxTokens,
    stream,
    logprobs: LogprobsRequest,
    response_format: responseFormat,
    stop,
  })
  .transform(takeSamplingMaxTokens)
  .meta({
    id: 'CompletionRequest',
    description: 'Generate text that continues `content` (no chat template).',
  });
export type CompletionRequest = z.infer<typeof CompletionRequest>;
export type CompletionRequestInput = z.input<typeof CompletionRequest>;

export const CompletionResponse = z
  .object({
    content: Content,
    stop_reason: StopReason.nullish(),
    logprobs: responseLogprobs,
    usage: responseUsage,
  })
  .meta({ id: 'CompletionResponse', description: 'The generated text.' });
export type CompletionResponse = z.infer<typeof CompletionResponse>;

export const CompletionResponseStreamChunk = z
  .object({
    text_delta: z.string(),
    stop_reason: StopReason.nullish().describe('Set on the last chunk only.'),
    logprobs: responseLogprobs,
    usage: responseUsage,
  })
  .meta({ id: 'CompletionResponseStreamChunk', description: 'One streamed piece of a completion.' });
export type CompletionResponseStreamChunk = z.infer<typeof CompletionResponseStreamChunk>;

// ---------------------------------------------------------------------------------------------
// Chat completion
// ---------------------------------------------------------------------------------------------

const conversationMessages = z.array(Message).min(1, 'must hold at least one message');

/** Turns the draft's `dialog` into the later `messages` list: the history, then the last message. */
export function dialogToMessages(dialog: Dialog): Message[] {
  return [...dialog.message_history, dialog.message];
}

function checkExactlyOne(
  value: Record<string, unknown>,
  laterField: string,
  draftField: string,
  what: string,
  ctx: z.RefinementCtx,
): void {
  const hasLater = value[laterField] !== undefined;
  const hasDraft = value[draftField] !== undefined;
  if (hasLater === hasDraft) {
    ctx.addIssue({
      code: 'custom',
      path: [laterField],
      message: hasLater
        ? `send either \`${laterField}\` or the draft's \`${draftField}\`, not both`
        : `required: ${what} (or the draft's \`${draftField}\`)`,
    });
  }
}

const chatFields = {
  model: ModelId.describe('The id of a registered instruct model.'),
  messages: conversationMessages
    .optional()
    .describe('The conversation, oldest first (later Llama Stack). Send this or `dialog`, not both.'),
  dialog: Dialog.optional().describe(
    'The July 2024 draft form: `{ message, message_history }`. Accepted and normalised to `messages` (history, then message).',
  ),
  sampling_params: SamplingParams.prefault({}),
  available_tools: availableTools,
  tool_choice: ToolChoice.default('auto'),
  max_tokens: maxTokens,
  stream,
  logprobs: LogprobsRequest,
  response_format: responseFormat,
  stop,
};

/**
 * A chat request. Both conversation shapes are accepted: the draft's `dialog` and the later
 * `messages`; the parsed request always carries `messages` (and no `dialog`).
 */
export const ChatCompletionRequest = z
  .object(chatFields)
  .superRefine((value, ctx) => {
    checkExactlyOne(value, 'messages', 'dialog', 'a non-empty list of Message', ctx);
    checkToolChoice(value, ctx);
  })
  .transform(({ dialog, messages, ...rest }) =>
    takeSamplingMaxTokens({ ...rest, messages: messages ?? (dialog ? dialogToMessages(dialog) : []) }),
  )
  .meta({
    id: 'ChatCompletionRequest',
    description:
      'Generate the next assistant message of a conversation. Send the conversation as `messages` ' +
      "(later Llama Stack) or as the draft's `dialog: { message, message_history }`; the server " +
      'normalises `dialog` to `messages` (history, then message) before a provider sees it. ' +
      'Sending both, or neither, is rejected.',
  });
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
export type ChatCompletionRequestInput = z.input<typeof ChatCompletionRequest>;

export const ChatCompletionResponse = z
  .object({
    content: Content,
    tool_calls: z
      .array(ToolCall)
      .default([])
      .describe('Tool calls the model made; several may come in one response.'),
    stop_reason: StopReason.nullish(),
    logprobs: responseLogprobs,
    usage: responseUsage,
  })
  .meta({ id: 'ChatCompletionResponse', description: 'The assistant message generated.' });
export type ChatCompletionResponse = z.infer<typeof ChatCompletionResponse>;

export const ChatCompletionResponseStreamChunk = z
  .object({
    text_delta: z.string(),
    stop_reason: StopReason.nullish().describe('Set on the last chunk only.'),
    tool_call: ToolCall.nullish().describe('A complete tool call, sent once parsed.'),
    logprobs: responseLogprobs,
    usage: responseUsage,
  })
  .meta({ id: 'ChatCompletionResponseStreamChunk', description: 'One streamed piece of a chat completion.' });
export type ChatCompletionResponseStreamChunk = z.infer<typeof ChatCompletionResponseStreamChunk>;

// ---------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------

export const BatchCompletionRequest = z
  .object({
    model: ModelId.describe('The id of a registered model.'),
    content_batch: z.array(Content).describe('Prompts; one response each, in the same order.'),
    sampling_params: SamplingParams.prefault({}),
    max_tokens: maxTokens,
    logprobs: LogprobsRequest,
    response_format: responseFormat,
    stop,
  })
  .transform(takeSamplingMaxTokens)
  .meta({ id: 'BatchCompletionRequest' });
export type BatchCompletionRequest = z.infer<typeof BatchCompletionRequest>;
export type BatchCompletionRequestInput = z.input<typeof BatchCompletionRequest>;

/** The spec returns `List[CompletionResponse]`; sent as one JSON array (the OpenAPI draft says JSONL). */
export const BatchCompletionResponse = z
  .array(CompletionResponse)
  .meta({ id: 'BatchCompletionResponse', description: 'One CompletionResponse per prompt, in order.' });
export type BatchCompletionResponse = z.infer<typeof BatchCompletionResponse>;

export const BatchChatCompletionRequest = z
  .object({
    model: ModelId.describe('The id of a registered instruct model.'),
    batch_messages: z
      .array(conversationMessages)
      .optional()
      .describe(
        'Conversations, each a list of Message (later shape). Send this or `batch_dialogs`, not both.',
      ),
    batch_dialogs: z
      .array(Dialog)
      .optional()
      .describe('The draft form: one Dialog per conversation. Normalised to `batch_messages`.'),
    sampling_params: SamplingParams.prefault({}),
    available_tools: availableTools,
    tool_choice: ToolChoice.default('auto'),
    max_tokens: maxTokens,
    logprobs: LogprobsRequest,
    response_format: responseFormat,
    stop,
  })
  .superRefine((value, ctx) => {
    checkExactlyOne(
      value,
      'batch_messages',
      'batch_dialogs',
      'a list of conversations, each a list of Message',
      ctx,
    );
    checkToolChoice(value, ctx);
  })
  .transform(({ batch_dialogs, batch_messages, ...rest }) =>
    takeSamplingMaxTokens({
      ...rest,
      batch_messages: batch_messages ?? (batch_dialogs ?? []).map(dialogToMessages),
    }),
  )
  .meta({
    id: 'BatchChatCompletionRequest',
    description:
      'Several conversations answered with the same settings. Send `batch_messages` (Message[][]) or ' +
      "the draft's `batch_dialogs` (Dialog[]); the server normalises to `batch_messages`.",
  });
export type BatchChatCompletionRequest = z.infer<typeof BatchChatCompletionRequest>;
export type BatchChatCompletionRequestInput = z.input<typeof BatchChatCompletionRequest>;

export const BatchChatCompletionResponse = z.array(ChatCompletionResponse).meta({
  id: 'BatchChatCompletionResponse',
  description: 'One ChatCompletionResponse per conversation, in order.',
});
export type BatchChatCompletionResponse = z.infer<typeof BatchChatCompletionResponse>;

// ---------------------------------------------------------------------------------------------
// Embeddings (experimental, later Llama Stack)
// ---------------------------------------------------------------------------------------------

export const EmbeddingsRequest = z
  .object({
    model: ModelId.describe('The id of a registered embedding model.'),
    contents: z
      .array(Content)
      .min(1, 'must hold at least one item to embed')
      .describe('Texts (or content) to embed.'),
  })
  .meta({ id: 'EmbeddingsRequest' });
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;
export type EmbeddingsRequestInput = z.input<typeof EmbeddingsRequest>;

export const EmbeddingsResponse = z
  .object({
    embeddings: z.array(z.array(z.number())).describe('One vector per item of `contents`, in order.'),
    usage: responseUsage,
  })
  .meta({ id: 'EmbeddingsResponse' });
export type EmbeddingsResponse = z.infer<typeof EmbeddingsResponse>;
