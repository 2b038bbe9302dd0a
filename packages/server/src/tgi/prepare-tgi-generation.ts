import {
  CompletionRequest,
  type CompletionRequestInput,
  type JsonObject,
  parseRequest,
  type ResponseFormat,
  type SamplingParams,
  type TokenizedToken,
} from '@llama-stack-ts/core';
import { tryTokenize } from './optional-operation.js';
import { RegexGrammarError, regexToGbnf } from './regex-to-gbnf.js';
import type { TgiPrefillToken } from './tgi-response-schemas.js';
import type { TgiRouteContext } from './tgi-route-context.js';
import type { TgiGenerateRequest, TgiGrammar } from './tgi-schemas.js';
import { tgiValidationError } from './tgi-validation-error.js';
import { tokenSpans } from './token-spans.js';

/** TGI's default `max_new_tokens`. */
export const defaultMaxNewTokens = 100;

/** A TGI request turned into the stack's request, with what the answer needs to report. */
export interface PreparedGeneration {
  request: CompletionRequest;
  /** The seed used when sampling; `null` for greedy decoding (as TGI reports it). */
  seed: number | null;
  details: boolean;
  topNTokens: number;
  /** Prepended to `generated_text` when `return_full_text` is on. */
  prefix: string;
  /** `decoder_input_details`: the prompt's tokens (log probabilities unknown: null). */
  prefill: TgiPrefillToken[];
}

/**
 * Validates what TGI's checks cover beyond field bounds, then builds the stack's
 * `CompletionRequest` (a raw prompt: TGI applies no chat template). TGI samples when `do_sample` is
 * set or any warper is (`temperature` ≠ 1, `top_k`, `top_p` < 1); otherwise it decodes greedily.
 * Log probabilities are asked of the provider only when the answer shows them (`details`,
 * `decoder_input_details`, `top_n_tokens`).
 */
export async function prepareTgiGeneration(
  context: TgiRouteContext,
  body: TgiGenerateRequest,
  {
    stream,
    returnFullTextDefault,
    signal,
  }: { stream: boolean; returnFullTextDefault: boolean; signal: AbortSignal },
): Promise<PreparedGeneration> {
  const parameters = body.parameters;
  if ((parameters.best_of ?? 1) > 1) {
    throw tgiValidationError(
      'best_of',
      stream
        ? '!= 1 is not allowed for this endpoint'
        : 'must be 1: this server generates one sequence per request',
    );
  }
  if (stream && parameters.decoder_input_details) {
    throw tgiValidationError('decoder_input_details', '== true is not supported when streaming tokens');
  }
  if (parameters.watermark) throw tgiValidationError('watermark', 'is not supported by this server');
  if (parameters.adapter_id) {
    throw tgiValidationError(
      'adapter_id',
      'LoRA adapters are not supported: register the adapted model as a model of its own',
    );
  }
  if (parameters.typical_p !== null && parameters.typical_p !== undefined) {
    throw tgiValidationError('typical_p', 'typical decoding is not supported by this server');
  }

  const model = await context.model();
  const inference = context.inference.inference();
  const needsTokens = parameters.truncate !== null && parameters.truncate !== undefined;
  let inputs = body.inputs;
  let tokens: TokenizedToken[] | undefined;
  if (needsTokens || parameters.decoder_input_details) {
    tokens = (await tryTokenize(inference, model, inputs, signal))?.tokens;
    if (!tokens && needsTokens) {
      throw tgiValidationError(
        'truncate',
        `needs a tokenizer, and the provider of model '${model}' offers none`,
      );
    }
  }
  if (tokens && needsTokens && tokens.length > (parameters.truncate as number)) {
    // Keep the last `truncate` tokens: cut the text where the first kept token starts.
    const spans = tokenSpans(inputs, tokens);
    const firstKept = spans[tokens.length - (parameters.truncate as number)];
    inputs = inputs.slice(firstKept?.start ?? 0);
    tokens = tokens.slice(tokens.length - (parameters.truncate as number));
  }

  const sampled =
    parameters.do_sample ||
    (parameters.temperature !== null &&
      parameters.temperature !== undefined &&
      parameters.temperature !== 1) ||
    (parameters.top_k !== null && parameters.top_k !== undefined) ||
    (parameters.top_p !== null && parameters.top_p !== undefined && parameters.top_p < 1);
  const seed = sampled ? (parameters.seed ?? context.randomSeed()) : null;
  const samplingParams: Partial<SamplingParams> = sampled
    ? {
        strategy: parameters.top_k && (parameters.top_p ?? 1) === 1 ? 'top_k' : 'top_p',
        temperature: parameters.temperature ?? 1,
        top_p: parameters.top_p ?? 1,
        top_k: parameters.top_k ?? 0,
        seed: seed as number,
      }
    : { strategy: 'greedy', temperature: 0 };
  if (parameters.repetition_penalty !== null && parameters.repetition_penalty !== undefined) {
    samplingParams.repetition_penalty = parameters.repetition_penalty;
  }
  if (parameters.frequency_penalty !== null && parameters.frequency_penalty !== undefined) {
    samplingParams.frequency_penalty = parameters.frequency_penalty;
  }

  const topNTokens = parameters.top_n_tokens ?? 0;
  const details = parameters.details || parameters.decoder_input_details;
  const responseFormat = toResponseFormat(parameters.grammar);
  const input: CompletionRequestInput = {
    model,
    content: inputs,
    sampling_params: samplingParams,
    max_tokens: parameters.max_new_tokens ?? defaultMaxNewTokens,
    // TGI's stream events always carry each token's id and logprob, so a stream always asks for them.
    logprobs: stream || details || topNTokens > 0 ? { top_k: Math.max(1, topNTokens) } : false,
    ...(parameters.stop && parameters.stop.length > 0 ? { stop: parameters.stop } : {}),
    ...(responseFormat ? { response_format: responseFormat } : {}),
  };
  const returnFullText = parameters.return_full_text ?? returnFullTextDefault;
  return {
    request: parseRequest(CompletionRequest, input),
    seed,
    details,
    topNTokens,
    prefix: returnFullText ? inputs : '',
    prefill:
      parameters.decoder_input_details && tokens
        ? tokens.map((token) => ({ id: token.id, text: token.text, logprob: null }))
        : [],
  };
}

/** TGI's grammar as the stack's constrained decoding: a JSON schema, or a regex as a GBNF grammar. */
function toResponseFormat(grammar: TgiGrammar | null | undefined): ResponseFormat | undefined {
  if (!grammar) return undefined;
  if (grammar.type === 'regex') {
    try {
      return { type: 'grammar', bnf: regexToGbnf(grammar.value) };
    } catch (error) {
      if (error instanceof RegexGrammarError) throw tgiValidationError('grammar', error.message);
      throw error;
    }
  }
  let schema = grammar.value;
  if (typeof schema === 'string') {
    try {
      schema = JSON.parse(schema);
    } catch {
      throw tgiValidationError('grammar', 'the JSON schema in `value` is not valid JSON');
    }
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw tgiValidationError('grammar', '`value` must be a JSON schema: an object, or a string holding one');
  }
  return { type: 'json_schema', json_schema: schema as JsonObject };
}
