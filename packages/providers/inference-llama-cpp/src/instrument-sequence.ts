import type { TokenLogprob } from '@llama-stack-ts/core';
import type {
  LlamaContextSequence,
  LlamaModel,
  SequenceEvaluateMetadataOptions,
  SequenceEvaluateOptions,
  Token,
} from 'node-llama-cpp';
import type { LlamaCppSamplingOptions } from './map-sampling-params.js';
import { TokenSampler } from './token-sampler.js';

export interface InstrumentSequenceOptions {
  model: LlamaModel;
  sampling: LlamaCppSamplingOptions;
  /** Record each generated token's log probability and its `topK` most likely alternatives. */
  logprobs: false | { topK: number };
  /**
   * The generation starts a text of its own (a chat answer), as LlamaChat's response does: its
   * first token reads as at the start of a text, without SentencePiece's leading space, so the
   * recorded tokens join into the answer. Otherwise the first token reads after the prompt.
   */
  startsText?: boolean;
}

/** What one request's generation did, as seen from inside its sequence. */
export interface SequenceInstrument extends Disposable {
  /** Tokens sampled so far (the request's completion tokens, whatever became of them). */
  readonly generatedTokens: number;
  /** The first token sampled, once there is one. */
  readonly firstToken: Token | undefined;
  /** Log probabilities recorded so far (empty unless asked for). */
  readonly logprobs: readonly TokenLogprob[];
  /** The log probabilities recorded since the previous call: a stream chunk's share. */
  takeLogprobs(): TokenLogprob[];
  /** Puts the sequence back as it was. Idempotent. */
  restore(): void;
}

type EvaluateWithMetadata = (
  tokens: Token[],
  metadata: SequenceEvaluateMetadataOptions,
  options?: SequenceEvaluateOptions,
) => AsyncGenerator<
  { token: Token; probabilities?: Map<Token, number>; confidence?: number },
  void,
  // biome-ignore lint/suspicious/noConfusingVoidType: node-llama-cpp's own generator signature (next() with no argument).
  void | Token | Token[]
>;

/**
 * Watches the tokens a leased sequence generates for one request, whatever drives it (LlamaChat,
 * LlamaCompletion): every generation path of node-llama-cpp goes through the sequence's
 * `evaluateWithMetadata`, so the instrument shadows that one method on this sequence object until
 * `restore()`. It counts generated tokens and, when asked, records log probabilities.
 *
 * Why not llama.cpp's own metadata: at temperature above 0 its sampler chain ends with a draw that
 * collapses the distribution it reports to the drawn token. So with log probabilities on and a
 * temperature above 0, the instrument asks llama.cpp for the greedy view (every candidate's
 * probability after repetition penalties and grammar), draws the token itself with the same
 * top-k / top-p / temperature / seed (`TokenSampler`), and feeds that token back. A grammar cannot be
 * combined with this (llama.cpp advances the grammar with its own pick), so the provider refuses log
 * probabilities with temperature above 0 together with a grammar or tools.
 *
 * The whole distribution is asked for only when it is needed: to draw the token, or to list more
 * than one alternative. It crosses into JavaScript as a Map of the whole vocabulary at every token,
 * which held TGI streams (always one alternative) of a 32,000-token vocabulary to 25 tok/s; asking
 * for the chosen token's probability alone (`confidence`) gives 145, raw node-llama-cpp 900-2,200
 * (bench/inference on llama-2-tiny-random.gguf, 8 streams). Under greedy decoding the chosen token
 * is the top alternative, so one alternative needs nothing more.
 */
export function instrumentSequence(
  sequence: LlamaContextSequence,
  options: InstrumentSequenceOptions,
): SequenceInstrument {
  const { model, sampling, logprobs, startsText = false } = options;
  const records: TokenLogprob[] = [];
  let taken = 0;
  let generated = 0;
  let firstToken: Token | undefined;
  const sampler = logprobs && sampling.temperature > 0 ? new TokenSampler<Token>(sampling) : undefined;
  const distribution = sampler !== undefined || (logprobs && logprobs.topK > 1);
  const original = sequence.evaluateWithMetadata as unknown as EvaluateWithMetadata;

  const record = (
    token: Token,
    { probabilities, confidence }: { probabilities?: Map<Token, number>; confidence?: number },
    previous: readonly Token[],
  ): void => {
    if (!logprobs) return;
    // Without the distribution, the greedy pick is its own (and only) top alternative.
    probabilities ??= confidence === undefined ? undefined : new Map([[token, confidence]]);
    if (!probabilities) return;
    // With the tokens before it, a token decodes as it reads in the text (SentencePiece's leading space).
    const text = (candidate: Token) => model.detokenize([candidate], true, previous);
    const probability = probabilities.get(token) ?? 0;
    const top: TokenLogprob['top_logprobs'] = [];
    for (const [candidate, candidateProbability] of probabilities) {
      if (top.length >= logprobs.topK || candidateProbability <= 0) break;
      top.push({ token: text(candidate), logprob: Math.log(candidateProbability), token_id: candidate });
    }
    records.push({
      token: text(token),
      // A token the model gave no chance at all (only possible when a caller forces it) gets a floor, not -Infinity.
      logprob: probability > 0 ? Math.log(probability) : -1e4,
      token_id: token,
      special: model.isSpecialToken(token),
      top_logprobs: top,
    });
  };

  const countToken = (token: Token): void => {
    generated++;
    firstToken ??= token;
  };

  const instrumented: EvaluateWithMetadata = async function* (tokens, metadata, evaluateOptions = {}) {
    const innerMetadata = { ...metadata, ...(distribution ? { probabilities: true } : { confidence: true }) };
    const innerOptions: SequenceEvaluateOptions = sampler
      ? // The greedy view: every candidate with its probability; the sampler below picks. EOG tokens come
        // through so that a sampled non-EOG token can replace a greedy EOG.
        { ...evaluateOptions, temperature: 0, topK: 0, topP: 1, minP: 0, yieldEogToken: true }
      : evaluateOptions;
    const iterator = original.call(sequence, tokens, innerMetadata, innerOptions);
    let input: Token | Token[] | undefined;
    let previous = startsText && generated === 0 ? [] : tokens.slice(-4);
    try {
      while (true) {
        const step = await iterator.next(input);
        if (step.done) return;
        const token =
          sampler && step.value.probabilities ? sampler.pick(step.value.probabilities) : step.value.token;
        countToken(token);
        record(token, step.value, previous);
        previous = [...previous.slice(-3), token];
        if (sampler && model.isEogToken(token) && !evaluateOptions.yieldEogToken) return;
        const replacement = yield { ...step.value, token };
        input = replacement ?? (token !== step.value.token ? token : undefined);
      }
    } finally {
      await iterator.return();
    }
  };

  // Without log probabilities there is nothing to change in what the generator yields, only tokens to
  // count: the generator's own `next` is wrapped instead of adding a generator around it, which saves
  // its per-token resumptions on the thread that also schedules llama.cpp's next decode.
  const counting: EvaluateWithMetadata = (tokens, metadata, evaluateOptions) => {
    const iterator = original.call(sequence, tokens, metadata, evaluateOptions);
    const next = iterator.next;
    iterator.next = (...input) => next.apply(iterator, input).then(count);
    return iterator;
  };
  const count = (step: IteratorResult<{ token: Token }, void>) => {
    if (!step.done) countToken(step.value.token);
    return step;
  };

  const target = sequence as unknown as { evaluateWithMetadata: EvaluateWithMetadata };
  target.evaluateWithMetadata = logprobs ? instrumented : counting;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    // Removing the own property brings back the class method.
    delete (target as Partial<typeof target>).evaluateWithMetadata;
  };

  return {
    get generatedTokens() {
      return generated;
    },
    get firstToken() {
      return firstToken;
    },
    get logprobs() {
      return records;
    },
    takeLogprobs() {
      const next = records.slice(taken);
      taken = records.length;
      return next;
    },
    restore,
    [Symbol.dispose]: restore,
  };
}
