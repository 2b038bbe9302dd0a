/**
 * The `data` of each Server-Sent Event in `body`, multi-line data joined with `\n` as the SSE spec
 * says. Both `data: x` and TGI's `data:x` are read.
 */
export async function* readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const data = buffer
        .slice(0, end)
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      if (data.length > 0) yield data.join('\n');
    }
  }
}
