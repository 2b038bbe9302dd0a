import { describe, expect, it } from 'vitest';
import { CandidateSchedule, type CandidateTask } from './candidate-schedule.js';

/** What `workers` workers, taking turns one task at a time, are handed: each worker's tasks in order. */
function handOut(prompts: number, k: number, workers: number): CandidateTask[][] {
  const schedule = new CandidateSchedule(prompts, k);
  const done = Array.from({ length: workers }, (): CandidateTask[] => []);
  for (let turn = 0; ; turn++) {
    const mine = done[turn % workers]!;
    const task = schedule.next(mine.at(-1)?.prompt);
    if (!task) return done;
    mine.push(task);
  }
}

const key = ({ prompt, candidate }: CandidateTask) => `${prompt}:${candidate}`;

describe('CandidateSchedule', () => {
  it('hands each worker whole prompts, their candidates in order', () => {
    const done = handOut(8, 4, 4);
    expect(done[0]).toEqual(
      [0, 1, 2, 3]
        .map((candidate) => ({ prompt: 0, candidate }))
        .concat([0, 1, 2, 3].map((candidate) => ({ prompt: 4, candidate }))),
    );
    expect(done[1]?.map(({ prompt }) => prompt)).toEqual([1, 1, 1, 1, 5, 5, 5, 5]);
  });

  it('spreads one prompt over every worker', () => {
    expect(handOut(1, 4, 4)).toEqual([0, 1, 2, 3].map((candidate) => [{ prompt: 0, candidate }]));
  });

  it('hands out every candidate once, with the last prompts shared instead of left to one worker', () => {
    const done = handOut(5, 4, 4);
    const all = done.flat().map(key).sort();
    expect(all).toEqual(
      Array.from({ length: 5 }, (_, prompt) => [0, 1, 2, 3].map((candidate) => `${prompt}:${candidate}`))
        .flat()
        .sort(),
    );
    expect(done.map((tasks) => tasks.length)).toEqual([5, 5, 5, 5]);
  });

  it('hands out nothing for an empty run', () => {
    expect(new CandidateSchedule(0, 4).next(undefined)).toBeUndefined();
  });
});
