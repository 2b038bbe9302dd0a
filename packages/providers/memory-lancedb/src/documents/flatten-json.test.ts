import { describe, expect, it } from 'vitest';
import { flattenJson } from './flatten-json.js';

describe('flattenJson', () => {
  it('writes one path: value line per leaf and plain arrays on one line', () => {
    expect(
      flattenJson({
        title: 'Guide',
        author: { name: 'Ada', born: 1815 },
        tags: ['math', 'engines'],
        draft: false,
      }),
    ).toBe('title: Guide\nauthor.name: Ada\nauthor.born: 1815\ntags: math, engines\ndraft: false');
  });

  it('indexes arrays of objects and keeps nulls', () => {
    expect(flattenJson([{ q: 'a', note: null }, { q: 'b' }])).toBe('0.q: a\n0.note: null\n1.q: b');
  });

  it('gives a bare value as itself', () => {
    expect(flattenJson('just text')).toBe('just text');
    expect(flattenJson(42)).toBe('42');
  });
});
