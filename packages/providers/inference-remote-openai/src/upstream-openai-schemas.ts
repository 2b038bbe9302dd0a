import { z } from 'zod';

/**
 * What this provider reads of an OpenAI-compatible upstream's answers. Looser than the schemas of
 * `@llama-stack-ts/openai-compat` (which describe what our own server writes): servers differ in
 * the fields they leave out or set to null, and only the fields read here must be present.
 */

const TopLogprob = z.object({ token: z.string(), logprob: z.number() });
const ChatLogprobs = z
  .object({ content: z.array(TopLogprob.extend({ top_logprobs: z.array(TopLogprob).nullish() })).nullish() })
  .nullish();
export type UpstreamChatLogprobs = z.infer<typeof ChatLogprobs>;

const CompletionLogprobs = z
  .object({
    tokens: z.array(z.string()),
    token_logprobs: z.array(z.number().nullable()),
    top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullish(),
  })
  .nullish();
export type UpstreamCompletionLogprobs = z.infer<typeof CompletionLogprobs>;

const Usage = z
  .object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int().default(0) })
  .nullish();
export type UpstreamUsage = z.infer<typeof Usage>;

const ToolCall = z.object({
  id: z.string().nullish(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const UpstreamChatCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), tool_calls: z.array(ToolCall).nullish() }),
        logprobs: ChatLogprobs,
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1, 'must hold a choice'),
  usage: Usage,
});

export const UpstreamChatCompletionChunk = z.object({
  choices: z.array(
    z.object({
      delta: z
        .object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                index: z.number().int().default(0),
                function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
              }),
            )
            .nullish(),
        })
        .default({}),
      logprobs: ChatLogprobs,
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: Usage,
});
export type UpstreamChatCompletionChunk = z.infer<typeof UpstreamChatCompletionChunk>;

/** The answer of /v1/completions, and each chunk of its stream. */
export const UpstreamTextCompletion = z.object({
  choices: z.array(
    z.object({ text: z.string(), logprobs: CompletionLogprobs, finish_reason: z.string().nullish() }),
  ),
  usage: Usage,
});
export type UpstreamTextCompletion = z.infer<typeof UpstreamTextCompletion>;

export const UpstreamEmbeddingList = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number().int() }).nullish(),
});

export const UpstreamModelList = z.object({ data: z.array(z.object({ id: z.string() })) });

/** OpenAI's error body; TGI and some proxies answer `{ "error": "<message>" }`, also read. */
export const UpstreamErrorBody = z.object({
  error: z.union([z.string(), z.object({ message: z.string() })]),
});
