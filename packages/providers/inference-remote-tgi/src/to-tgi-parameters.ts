import { type CompletionRequest, InvalidRequestError, type JsonObject } from '@llama-stack-ts/core';

type GenerationRequest = Pick<
  CompletionRequest,
  'sampling_params' | 'max_tokens' | 'logprobs' | 'response_format' | 'stop'
>;

/**
 * The `parameters` of TGI's /generate for a stack request: greedy is `do_sample: false`; `details`
 * always (the stop reason and token counts come from it); `grammar` for JSON output, or `schema`
 * when a tool call is forced (it wins over `response_format`).
 */
export function toTgiParameters(
  request: GenerationRequest,
  { schema, streamed }: { schema?: JsonObject | undefined; streamed: boolean },
): Record<string, unknown> {
  const sampling = request.sampling_params;
  const sampled = sampling.strategy !== 'greedy' && sampling.temperature > 0;
  const parameters: Record<string, unknown> = {
    details: true,
    // The prompt's tokens give the unstreamed usage; TGI refuses them on a stream (input_length says it there).
    ...(streamed ? {} : { decoder_input_details: true }),
    do_sample: sampled,
    ...(sampled ? { temperature: sampling.temperature } : {}),
    ...(sampled && sampling.strategy === 'top_p' && sampling.top_p < 1 ? { top_p: sampling.top_p } : {}),
    ...(sampled && sampling.strategy === 'top_k' && sampling.top_k > 0 ? { top_k: sampling.top_k } : {}),
    ...(request.max_tokens > 0 ? { max_new_tokens: request.max_tokens } : {}),
    ...(request.stop ? { stop: request.stop } : {}),
    ...(request.logprobs ? { top_n_tokens: request.logprobs.top_k } : {}),
  };
  if (sampling.seed !== undefined) parameters.seed = sampling.seed;
  if (sampling.repetition_penalty !== undefined) parameters.repetition_penalty = sampling.repetition_penalty;
  if (sampling.frequency_penalty !== undefined) parameters.frequency_penalty = sampling.frequency_penalty;
  const jsonSchema = schema ?? jsonSchemaOf(request.response_format);
  if (jsonSchema) parameters.grammar = { type: 'json', value: jsonSchema };
  return parameters;
}

function jsonSchemaOf(format: CompletionRequest['response_format']): JsonObject | undefined {
  if (!format) return undefined;
  if (format.type === 'grammar') {
    throw new InvalidRequestError(
      'response_format',
      "TGI takes a JSON schema or a regex grammar, not GBNF; use type 'json_schema'",
    );
  }
  return format.json_schema;
}
