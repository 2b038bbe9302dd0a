import { describe, expect, it } from 'vitest';
import { checkBatchLine } from './check-batch-line.js';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    custom_id: 'r1',
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'm', messages: [] },
    ...fields,
  });
const problemOf = (text: string) => {
  const checked = checkBatchLine(text, 7, '/v1/chat/completions');
  return checked.ok
    ? undefined
    : [checked.custom_id, checked.error.code, checked.error.param, checked.error.line];
};

describe('checkBatchLine', () => {
  it('takes a request to the batch endpoint and names its model', () => {
    expect(checkBatchLine(line({}), 1, '/v1/chat/completions')).toEqual({
      ok: true,
      custom_id: 'r1',
      body: { model: 'm', messages: [] },
      model: 'm',
    });
  });

  it.each([
    ['not JSON', '{"custom_id": ', [null, 'invalid_json_line', null, 7]],
    ['not an object', '[1]', [null, 'invalid_request', null, 7]],
    ['no custom_id', line({ custom_id: undefined }), [null, 'missing_required_parameter', 'custom_id', 7]],
    ['an empty custom_id', line({ custom_id: '' }), [null, 'invalid_request', 'custom_id', 7]],
    ['another method', line({ method: 'GET' }), ['r1', 'invalid_method', 'method', 7]],
    ['another url', line({ url: '/v1/embeddings' }), ['r1', 'invalid_url', 'url', 7]],
    ['no body', line({ body: undefined }), ['r1', 'missing_required_parameter', 'body', 7]],
    ['no model', line({ body: { messages: [] } }), ['r1', 'missing_required_parameter', 'body.model', 7]],
    [
      'a stream',
      line({ body: { model: 'm', stream: true } }),
      ['r1', 'streaming_unsupported', 'body.stream', 7],
    ],
  ])('refuses a line with %s, naming the field and the line', (_case, text, expected) => {
    expect(problemOf(text)).toEqual(expected);
  });
});
