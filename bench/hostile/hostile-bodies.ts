/** One route that a hostile client sends a large body to. */
export interface HostileRoute {
  name: string;
  path: string;
  /** The request body around `text`; `send` tells sends apart (a document uuid is taken once). */
  body(text: string, model: string, send: number): unknown;
}

/** The routes of issue 14's first finding, each given a large text where it takes one. */
export const hostileRoutes: readonly HostileRoute[] = [
  { name: 'TGI /tokenize', path: '/tokenize', body: (text) => ({ inputs: text }) },
  {
    name: 'OpenAI /v1/chat/completions',
    path: '/v1/chat/completions',
    body: (text, model) => ({ model, messages: [{ role: 'user', content: text }], max_tokens: 16 }),
  },
  {
    name: 'TGI /generate',
    path: '/generate',
    body: (text) => ({ inputs: text, parameters: { max_new_tokens: 16 } }),
  },
  {
    name: 'native /memory_bank/insert',
    path: `/memory_bank/insert?bank_uuid=hostile`,
    // Documents each under `local`'s max_document_bytes (10 MiB): the server takes them and must
    // chunk and embed them all, which is the heavy work this route has to keep off the event loop.
    body: (text, _model, send) =>
      splitText(text, documentChars).map((content, index) => ({
        uuid: `hostile-${send}-${index}`,
        content,
        mime_type: 'text/plain',
      })),
  },
];

/** Characters per document of the /memory_bank/insert body. */
const documentChars = 1_000_000;

/** A story-like text of exactly `length` characters (ASCII: as many bytes). */
export function storyText(length: number): string {
  const sentence =
    'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. ';
  return sentence.repeat(Math.ceil(length / sentence.length)).slice(0, length);
}

function splitText(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}
