import { describe, expect, it } from 'vitest';
import { surfaceOf } from './surface-of.js';

describe('surfaceOf', () => {
  it('gives each path its surface, mounted or not', () => {
    expect(surfaceOf('/v1/chat/completions')).toBe('openai');
    expect(surfaceOf('/llama/v1/files/file-1')).toBe('openai');
    expect(surfaceOf('/generate')).toBe('tgi');
    expect(surfaceOf('/llama/generate_stream')).toBe('tgi');
    expect(surfaceOf('/')).toBe('tgi');
    expect(surfaceOf('/inference/chat_completion')).toBe('stack');
  });

  it("keeps a route table's path that ends like a TGI path on the Llama Stack surface", () => {
    expect(surfaceOf('/synthetic_data_generation/generate')).toBe('stack');
    expect(surfaceOf('/llama/synthetic_data_generation/generate')).toBe('stack');
  });
});
