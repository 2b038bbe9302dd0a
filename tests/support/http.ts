/** Extra request settings for `postJson`; `headers` are added to the JSON content type. */
export interface PostJsonInit extends Omit<RequestInit, 'method' | 'body' | 'headers'> {
  headers?: Record<string, string>;
}

/** POSTs `body` serialized as JSON to `url`. */
export function postJson(
  url: string,
  body: unknown,
  { headers, ...init }: PostJsonInit = {},
): Promise<Response> {
  return fetch(url, {
    ...init,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Reads a Server-Sent Events body to its end and parses the JSON of each `data:` frame, in order. */
export async function readSseData<T = unknown>(response: Response): Promise<T[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as T);
}
