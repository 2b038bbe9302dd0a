/** One streamed generation as its caller saw it. */
export interface StreamRun {
  /** Tokens generated, as the generating side counted them. */
  tokens: number;
  /** From the call to the end of the stream. */
  ms: number;
  /** From the call to the first piece of generated text. */
  firstTokenMs: number;
}

/** Several streams started at once. */
export interface ConcurrentRun {
  /** Every stream's tokens added up. */
  tokens: number;
  /** From the first call to the end of the last stream. */
  ms: number;
  /** Each stream's token count, in start order. */
  perStream: number[];
}

export const tokensPerSecond = (run: { tokens: number; ms: number }): number => (run.tokens / run.ms) * 1000;

/** Starts `count` streams at once and times them until the last one ends. */
export async function runConcurrently(
  count: number,
  stream: () => Promise<StreamRun>,
): Promise<ConcurrentRun> {
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: count }, stream));
  const perStream = runs.map((run) => run.tokens);
  return {
    tokens: perStream.reduce((sum, tokens) => sum + tokens, 0),
    ms: performance.now() - started,
    perStream,
  };
}
