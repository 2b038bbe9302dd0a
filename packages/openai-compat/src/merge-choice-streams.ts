/** A chunk of choice `index`, or the end of that choice's stream. */
export type ChoiceEvent<Chunk> =
  | { index: number; chunk: Chunk; done?: undefined }
  | { index: number; done: true };

/**
 * Runs the streams of several choices (OpenAI's `n`) and yields their chunks tagged with the
 * choice index, each choice's stream closed by a `done` event. In parallel, chunks come in the order
 * the providers produce them; otherwise one choice after the other. When the consumer stops early or
 * a stream fails, every other stream is closed, so no provider keeps generating for nobody.
 */
export async function* mergeChoiceStreams<Chunk>(
  starts: readonly (() => AsyncIterable<Chunk>)[],
  parallel: boolean,
): AsyncGenerator<ChoiceEvent<Chunk>, void, undefined> {
  if (!parallel || starts.length === 1) {
    for (const [index, start] of starts.entries()) {
      for await (const chunk of start()) yield { index, chunk };
      yield { index, done: true };
    }
    return;
  }

  type Settled = { index: number; result: IteratorResult<Chunk> };
  const iterators = new Map<number, AsyncIterator<Chunk>>();
  const pending = new Map<number, Promise<Settled>>();
  const pull = (index: number, iterator: AsyncIterator<Chunk>) => {
    pending.set(
      index,
      iterator.next().then((result) => ({ index, result })),
    );
  };
  try {
    for (const [index, start] of starts.entries()) {
      const iterator = start()[Symbol.asyncIterator]();
      iterators.set(index, iterator);
      pull(index, iterator);
    }
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        iterators.delete(index);
        yield { index, done: true };
      } else {
        const iterator = iterators.get(index);
        if (iterator) pull(index, iterator);
        yield { index, chunk: result.value };
      }
    }
  } finally {
    for (const iterator of iterators.values()) iterator.return?.().catch(() => {});
  }
}

/** Runs one call per choice, all at once or one after the other; results in choice order. */
export async function runChoices<Result>(
  calls: readonly (() => Promise<Result>)[],
  parallel: boolean,
): Promise<Result[]> {
  if (parallel) return Promise.all(calls.map((call) => call()));
  const results: Result[] = [];
  for (const call of calls) results.push(await call());
  return results;
}
