import type { BatchEndpoint, BatchError } from '@llama-stack-ts/core';

/** A line that is a request of the batch: its id and the body to send to the endpoint. */
export interface BatchLineRequest {
  ok: true;
  custom_id: string;
  body: Record<string, unknown>;
  /** The model the body names. */
  model: string;
}

/** A line that is not: what is wrong, as OpenAI lists it in a batch's `errors`. */
export interface BatchLineProblem {
  ok: false;
  /** The line's `custom_id`, when it has a usable one. */
  custom_id: string | null;
  error: BatchError;
}

/**
 * Checks one line of a batch's input file as OpenAI does before running it: a JSON object with a
 * string `custom_id`, `method: "POST"`, `url` equal to the batch's `endpoint` and an object `body`
 * that names its `model` and does not ask to stream. The body's other fields are checked when the
 * line runs, by the endpoint's own schema, as a request to it would be.
 */
export function checkBatchLine(
  text: string,
  line: number,
  endpoint: BatchEndpoint,
): BatchLineRequest | BatchLineProblem {
  const problem = (
    code: string,
    message: string,
    param: string | null,
    customId: string | null = null,
  ): BatchLineProblem => ({
    ok: false,
    custom_id: customId,
    error: { code, line, message, param },
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return problem(
      'invalid_json_line',
      `Line ${line} is not valid JSON; each line must be one JSON object.`,
      null,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return problem(
      'invalid_request',
      `Line ${line} must be a JSON object {custom_id, method, url, body}.`,
      null,
    );
  }
  const request = value as Record<string, unknown>;
  const customId =
    typeof request.custom_id === 'string' && request.custom_id !== '' ? request.custom_id : null;
  if (request.custom_id === undefined) {
    return problem('missing_required_parameter', `Line ${line} has no custom_id.`, 'custom_id');
  }
  if (customId === null) {
    return problem('invalid_request', `Line ${line}: custom_id must be a non-empty string.`, 'custom_id');
  }
  const fail = (code: string, message: string, param: string) =>
    problem(code, `Line ${line}: ${message}`, param, customId);
  if (request.method === undefined)
    return fail('missing_required_parameter', 'method is required ("POST").', 'method');
  if (request.method !== 'POST')
    return fail('invalid_method', `method must be "POST", not ${JSON.stringify(request.method)}.`, 'method');
  if (request.url === undefined)
    return fail('missing_required_parameter', `url is required ("${endpoint}").`, 'url');
  if (request.url !== endpoint) {
    return fail(
      'invalid_url',
      `url ${JSON.stringify(request.url)} is not the batch's endpoint "${endpoint}"; every line of a batch goes to its endpoint.`,
      'url',
    );
  }
  const body = request.body;
  if (body === undefined) return fail('missing_required_parameter', 'body is required.', 'body');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('invalid_request', 'body must be a JSON object.', 'body');
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model === '') {
    return fail(
      'missing_required_parameter',
      'body.model is required: the model to run the request on.',
      'body.model',
    );
  }
  if (fields.stream === true) {
    return fail('streaming_unsupported', 'a batch does not stream; leave body.stream out.', 'body.stream');
  }
  return { ok: true, custom_id: customId, body: fields, model: fields.model };
}
