import { StackError } from '@llama-stack-ts/core';

/**
 * 503: a downloaded model file's SHA-256 is not the one expected (given as `sha256`, or published by
 * the hub). The file is thrown away; the message names both sums and what to do.
 */
export class ModelChecksumError extends StackError {
  readonly url: string;
  readonly expected: string;
  readonly actual: string;

  constructor(options: {
    url: string;
    path: string;
    expected: string;
    actual: string;
    source: 'sha256' | 'etag';
  }) {
    super(
      503,
      'model_checksum_mismatch',
      `The file downloaded from ${options.url} has SHA-256 ${options.actual}, but ${
        options.source === 'etag' ? "the hub's ETag says" : 'sha256 says'
      } ${options.expected}; it was discarded and not saved as ${options.path}. ` +
        'Download it again (a proxy or an interrupted transfer may have corrupted it), or fix the expected sha256.',
    );
    this.name = 'ModelChecksumError';
    this.url = options.url;
    this.expected = options.expected;
    this.actual = options.actual;
  }
}
