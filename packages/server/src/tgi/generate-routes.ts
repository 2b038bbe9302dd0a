import { contentToText } from '@llama-stack-ts/provider-utils';
import type { Handler } from 'hono';
import { streamSseResponse } from '../streaming/stream-sse-response.js';
import { parseTgiBody } from './parse-tgi-body.js';
import { type PreparedGeneration, prepareTgiGeneration } from './prepare-tgi-generation.js';
import type { TgiGenerateResponse, TgiStreamResponse } from './tgi-response-schemas.js';
import type { TgiRouteContext } from './tgi-route-context.js';
import {
  TgiCompatGenerateRequest,
  type TgiCompatGenerateRequest as TgiCompatGenerateRequestBody,
  type TgiGenerateRequest,
  TgiGenerateRequest as TgiGenerateRequestSchema,
} from './tgi-schemas.js';
import { streamedTokens, toTgiFinishReason, toTgiToken, toTgiTopToken } from './to-tgi-tokens.js';

/** TGI frames events as `data:<json>` with no space (axum's SSE writer). */
function tgiFrame(data: unknown): string {
  return `data:${JSON.stringify(data)}\n\n`;
}

/** How the TGI routes' events are framed, for the OpenAPI document. */
export const tgiEvents =
  'Server-Sent Events as TGI sends them: each `data:` line (no space after the colon) holds one token ' +
  'event; the last carries `generated_text`. A failure after the stream started arrives as a `data:` ' +
  'line holding a TgiErrorResponse.';

/** `POST /generate`: the whole generated text, with `details` when asked for. */
export function generateRoute(context: TgiRouteContext): Handler {
  return async function generate(c) {
    const body = await parseTgiBody(c, TgiGenerateRequestSchema);
    const { response, headers } = await runGeneration(context, body, false, c.req.raw.signal);
    return c.json(response, 200, headers);
  };
}

/** `POST /generate_stream`: one Server-Sent Event per token, the last one with the full text. */
export function generateStreamRoute(context: TgiRouteContext): Handler {
  return async function generateStream(c) {
    const body = await parseTgiBody(c, TgiGenerateRequestSchema);
    return streamGeneration(context, c, body, false);
  };
}

/**
 * `POST /`: TGI's compatibility route, streamed when `stream` is true, else answered with a
 * one-element array (as the Hugging Face Inference API does). `return_full_text` defaults to
 * `compatReturnFullText` here, as TGI defaults it for text-generation models.
 */
export function compatGenerateRoute(context: TgiRouteContext): Handler {
  return async function compatGenerate(c) {
    return answerCompatGenerate(context, c, await parseTgiBody(c, TgiCompatGenerateRequest));
  };
}

/** The answer of `POST /` to a validated body: what `/invocations` answers an `inputs` body too. */
export async function answerCompatGenerate(
  context: TgiRouteContext,
  c: Parameters<Handler>[0],
  body: TgiCompatGenerateRequestBody,
): Promise<Response> {
  if (body.stream) return streamGeneration(context, c, body, context.compatReturnFullText);
  const { response, headers } = await runGeneration(
    context,
    body,
    context.compatReturnFullText,
    c.req.raw.signal,
  );
  return c.json([response], 200, headers);
}

async function runGeneration(
  context: TgiRouteContext,
  body: TgiGenerateRequest,
  returnFullTextDefault: boolean,
  signal: AbortSignal,
): Promise<{ response: TgiGenerateResponse; headers: Record<string, string> }> {
  const started = performance.now();
  const prepared = await prepareTgiGeneration(context, body, {
    stream: false,
    returnFullTextDefault,
    signal,
  });
  const result = await context.inference.inference().completion(prepared.request, { signal });
  const entries = result.logprobs?.content ?? [];
  const generatedTokens = result.usage?.completion_tokens ?? entries.length;
  const response: TgiGenerateResponse = { generated_text: prepared.prefix + contentToText(result.content) };
  if (prepared.details) {
    response.details = {
      finish_reason: toTgiFinishReason(result.stop_reason),
      generated_tokens: generatedTokens,
      seed: prepared.seed,
      prefill: prepared.prefill,
      tokens: entries.map(toTgiToken),
      ...(prepared.topNTokens > 0
        ? {
            top_tokens: entries.map((entry) =>
              entry.top_logprobs.slice(0, prepared.topNTokens).map(toTgiTopToken),
            ),
          }
        : {}),
    };
  }
  const totalMs = performance.now() - started;
  const headers: Record<string, string> = {
    'x-compute-type': 'llama-stack-ts',
    'x-compute-time': (totalMs / 1000).toString(),
    'x-compute-characters': String([...body.inputs].length),
    'x-total-time': String(Math.round(totalMs)),
    'x-generated-tokens': String(generatedTokens),
  };
  if (result.usage) headers['x-prompt-tokens'] = String(result.usage.prompt_tokens);
  return { response, headers };
}

async function streamGeneration(
  context: TgiRouteContext,
  c: Parameters<Handler>[0],
  body: TgiGenerateRequest,
  returnFullTextDefault: boolean,
): Promise<Response> {
  const prepared = await prepareTgiGeneration(context, body, {
    stream: true,
    returnFullTextDefault,
    signal: c.req.raw.signal,
  });
  return streamSseResponse(c, {
    start: (signal) => tgiStreamEvents(context, prepared, signal),
    frame: tgiFrame,
    errorFrame: (error) => tgiFrame(context.report(error, c).body),
    headers: { 'x-compute-type': 'llama-stack-ts', 'x-compute-characters': String([...body.inputs].length) },
  });
}

/**
 * TGI's stream: an event per token (`index` from 1, `generated_text` and `details` null), and a
 * last event carrying the whole `generated_text` and, when asked for, `details`. The last event's
 * token is the last one generated: the token that spends `max_new_tokens` waits for the final
 * chunk (which follows at once) to learn it is last, as in TGI. When generation stops on an
 * end-of-sequence token the provider does not show, the last event is an empty special token, as
 * TGI sends its EOS.
 */
async function* tgiStreamEvents(
  context: TgiRouteContext,
  prepared: PreparedGeneration,
  signal: AbortSignal,
): AsyncGenerator<TgiStreamResponse, void, undefined> {
  const chunks = context.inference.inference().streamCompletion(prepared.request, { signal });
  let index = 0;
  let text = '';
  let counted = 0;
  // Tokens of the chunk that spends the budget and of the final one: the last of them ends the stream.
  const heldBack: ReturnType<typeof streamedTokens> = [];
  let stopReason: Parameters<typeof toTgiFinishReason>[0];
  let usage: { prompt_tokens: number; completion_tokens: number } | undefined;

  const event = (streamed: ReturnType<typeof streamedTokens>[number], last: boolean): TgiStreamResponse => {
    index += 1;
    return {
      index,
      token: streamed.token,
      ...(streamed.topTokens.length > 0 ? { top_tokens: streamed.topTokens } : {}),
      generated_text: last ? prepared.prefix + text : null,
      details:
        last && prepared.details
          ? {
              finish_reason: toTgiFinishReason(stopReason),
              generated_tokens: usage?.completion_tokens ?? counted,
              seed: prepared.seed,
              input_length: usage?.prompt_tokens ?? 0,
            }
          : null,
    };
  };

  for await (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    const tokens = streamedTokens(chunk, prepared.topNTokens);
    text += chunk.text_delta;
    counted += tokens.length;
    if (chunk.stop_reason) stopReason = chunk.stop_reason;
    if (chunk.stop_reason || counted >= prepared.request.max_tokens) heldBack.push(...tokens);
    else for (const token of tokens) yield event(token, false);
  }

  for (const token of heldBack.slice(0, -1)) yield event(token, false);
  const lastToken = heldBack.at(-1) ?? {
    token: { id: 0, text: '', logprob: null, special: true },
    topTokens: [],
  };
  yield event(lastToken, true);
}
