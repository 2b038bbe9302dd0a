import type { AgenticSystemExecuteResponseStreamChunk, AgenticSystemTurn } from '@llama-stack-ts/core';

type Chunk = AgenticSystemExecuteResponseStreamChunk;

/**
 * Holds a turn's events back until the model's first output (or the turn's end), then passes
 * everything on as it comes. A model that refuses the turn (overloaded: 429) then fails it before
 * the first event reaches the server, which still answers with that status instead of a 200 whose
 * stream ends in an error event.
 */
export async function* holdUntilModelOutput(
  turn: AsyncGenerator<Chunk, AgenticSystemTurn>,
): AsyncGenerator<Chunk, AgenticSystemTurn> {
  const held: Chunk[] = [];
  try {
    for (;;) {
      const next = await turn.next();
      if (next.done) {
        yield* held;
        return next.value;
      }
      held.push(next.value);
      if (next.value.step_type === 'model_inference' && next.value.event_type !== 'step_start') break;
    }
    yield* held;
    return yield* turn;
  } finally {
    // A consumer that stops early (the client went away) ends the turn too, releasing its model sequence.
    await turn.return(undefined as never);
  }
}
