import { describe, expect, it } from 'vitest';
import { formatHubFileReference, parseHubFileReference, pickQuantFile } from './hub-file-reference.js';

describe('parseHubFileReference', () => {
  it('reads a file, a quantization and a revision', () => {
    expect(
      parseHubFileReference('hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf'),
    ).toEqual({
      kind: 'file',
      repoId: 'bartowski/Llama-3.2-1B-Instruct-GGUF',
      revision: 'main',
      file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    });
    expect(parseHubFileReference('huggingface:org/repo@v2/sub/dir/m.gguf')).toEqual({
      kind: 'file',
      repoId: 'org/repo',
      revision: 'v2',
      file: 'sub/dir/m.gguf',
    });
    expect(parseHubFileReference('hf:org/repo:Q4_K_M')).toEqual({
      kind: 'quant',
      repoId: 'org/repo',
      revision: 'main',
      quant: 'Q4_K_M',
    });
    expect(formatHubFileReference(parseHubFileReference('hf:org/repo@dev:Q8_0'))).toBe(
      'hf:org/repo@dev:Q8_0',
    );
  });

  it('refuses what is not a file reference, showing the accepted forms', () => {
    for (const bad of [
      'hf:org',
      'hf:org/repo',
      'hf:org/repo/',
      'hf:org/repo/../x.gguf',
      'hf:org/repo:Q4/x.gguf',
    ]) {
      expect(() => parseHubFileReference(bad), bad).toThrow(
        /write hf:<owner>\/<repo>\/<file>\.gguf or hf:<owner>\/<repo>:<quant>/,
      );
    }
  });
});

describe('pickQuantFile', () => {
  const files = [
    'README.md',
    'Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    'Llama-3.2-1B-Instruct-Q4_K.gguf',
    'Llama-3.2-1B-Instruct-Q8_0.gguf',
    'big/Model-Q6_K-00001-of-00002.gguf',
    'big/Model-Q6_K-00002-of-00002.gguf',
  ];

  it('picks the GGUF whose name carries the quantization as a whole part, case-insensitively', () => {
    expect(pickQuantFile(files, 'q4_k_m')).toBe('Llama-3.2-1B-Instruct-Q4_K_M.gguf');
    expect(pickQuantFile(files, 'Q4_K')).toBe('Llama-3.2-1B-Instruct-Q4_K.gguf');
    expect(pickQuantFile(files, 'Q6_K')).toBe('big/Model-Q6_K-00001-of-00002.gguf');
    expect(pickQuantFile(files, 'Q2_K')).toBeUndefined();
  });
});
