import { SamplingParams } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { mapSamplingParams } from './map-sampling-params.js';

const parse = (input: Record<string, unknown>) => SamplingParams.parse(input);

describe('mapSamplingParams', () => {
  it('maps the spec defaults (greedy) to a greedy sampler with no penalty', () => {
    expect(mapSamplingParams(parse({}))).toEqual({ temperature: 0, topK: 0, topP: 1, repeatPenalty: false });
  });

  it('keeps greedy greedy whatever the temperature says', () => {
    expect(mapSamplingParams(parse({ strategy: 'greedy', temperature: 0.9, top_k: 5 }))).toMatchObject({
      temperature: 0,
      topK: 0,
      topP: 1,
    });
  });

  it('samples top_p at the given temperature, with top_k when set', () => {
    expect(mapSamplingParams(parse({ strategy: 'top_p', temperature: 0.7, top_p: 0.9 }))).toMatchObject({
      temperature: 0.7,
      topP: 0.9,
      topK: 0,
    });
    expect(
      mapSamplingParams(parse({ strategy: 'top_p', temperature: 0.7, top_p: 0.9, top_k: 40 })).topK,
    ).toBe(40);
  });

  it('samples top_k without a nucleus cut', () => {
    expect(
      mapSamplingParams(parse({ strategy: 'top_k', temperature: 1.2, top_k: 3, top_p: 0.5 })),
    ).toMatchObject({
      temperature: 1.2,
      topK: 3,
      topP: 1,
    });
  });

  it('treats temperature 0 as greedy under a sampling strategy', () => {
    expect(mapSamplingParams(parse({ strategy: 'top_p', temperature: 0 }))).toMatchObject({
      temperature: 0,
      topP: 1,
    });
  });

  it('passes the seed', () => {
    expect(mapSamplingParams(parse({ strategy: 'top_p', temperature: 1, seed: 42 })).seed).toBe(42);
  });

  it('maps the repetition penalties, filling the neutral value of the others', () => {
    expect(mapSamplingParams(parse({ repetition_penalty: 1.3 })).repeatPenalty).toEqual({
      penalty: 1.3,
      frequencyPenalty: 0,
      presencePenalty: 0,
      lastTokens: 64,
    });
    expect(
      mapSamplingParams(parse({ frequency_penalty: 0.5, presence_penalty: -0.2 })).repeatPenalty,
    ).toEqual({
      penalty: 1,
      frequencyPenalty: 0.5,
      presencePenalty: -0.2,
      lastTokens: 64,
    });
    expect(mapSamplingParams(parse({ repetition_penalty: 1 })).repeatPenalty).toBe(false);
  });
});
