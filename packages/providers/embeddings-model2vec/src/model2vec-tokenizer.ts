import { Tokenizer } from '@huggingface/tokenizers';

/**
 * What this module uses of an `@huggingface/tokenizers` Tokenizer. The package ships declarations with
 * extension-less imports that NodeNext resolution cannot follow, so the shape is stated here; the
 * three pipeline stages are public fields of the library's class.
 */
interface LibraryTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
  token_to_id(token: string): number | undefined;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
  normalizer: ((text: string) => string) | null;
  pre_tokenizer: ((text: string, options: { section_index: number }) => string[]) | null;
  model: ((pieces: string[]) => string[]) & { tokens_to_ids: Map<string, number>; unk_token_id?: number };
}

interface TokenizerJson {
  model?: { type?: string; unk_id?: unknown; unk_token?: unknown; vocab?: unknown };
  pre_tokenizer?: { type?: string; replacement?: string } | null;
  added_tokens?: { id: number; content: string }[];
}

/** Pieces remembered with their ids; a new text mostly repeats words already seen. */
const cacheLimit = 100_000;

/**
 * The tokenizer of a Model2Vec model, encoding without special tokens, with the library's own
 * normalizer, pre-tokenizer and model, but remembering the ids of each pre-tokenized piece: a static
 * model spends nearly all its time tokenizing, and real text repeats its words.
 *
 * A Unigram model behind a Metaspace pre-tokenizer gets the whole text as one piece; when no
 * vocabulary entry has the `▁` marker past its first character, no token can span two words, so the
 * best segmentation of the text is the concatenation of the best segmentation of each `▁`-word and
 * the text is cut there first (unknown-token fusion may differ at a cut, which does not matter here:
 * model2vec drops unknown tokens). Texts that hold an added token fall back to the library's encode.
 */
export class Model2VecTokenizer {
  readonly unknownTokenId: number | undefined;
  readonly #library: LibraryTokenizer;
  readonly #addedTokens: ReadonlyMap<string, number>;
  readonly #wordMarker: string | undefined;
  readonly #fastPath: boolean;
  readonly #cache = new Map<string, readonly number[]>();

  constructor(json: object, config: object) {
    const spec = json as TokenizerJson;
    this.#library = new Tokenizer(json, config) as unknown as LibraryTokenizer;
    this.#addedTokens = new Map((spec.added_tokens ?? []).map((token) => [token.content, token.id]));
    const model = spec.model ?? {};
    this.unknownTokenId =
      typeof model.unk_id === 'number'
        ? model.unk_id
        : typeof model.unk_token === 'string'
          ? this.#library.token_to_id(model.unk_token)
          : this.#library.token_to_id('[UNK]');
    const settings = config as { remove_space?: unknown; do_lowercase_and_remove_accent?: unknown };
    this.#fastPath =
      typeof this.#library.model === 'function' &&
      !settings.remove_space &&
      !settings.do_lowercase_and_remove_accent;
    const marker =
      spec.pre_tokenizer?.type === 'Metaspace' ? (spec.pre_tokenizer.replacement ?? '\u2581') : undefined;
    const vocab = Array.isArray(model.vocab) ? (model.vocab as [string, number][]) : [];
    this.#wordMarker =
      model.type === 'Unigram' && marker && vocab.every(([token]) => token.indexOf(marker, 1) === -1)
        ? marker
        : undefined;
  }

  /** The vocabulary, token to id (without added tokens when asked). */
  vocabulary(withAddedTokens = false): Map<string, number> {
    return this.#library.get_vocab(withAddedTokens);
  }

  /** Token ids of `text`, no special tokens added (unknown tokens kept). */
  encode(text: string): number[] {
    if (!this.#fastPath || this.#holdsAddedToken(text)) return this.#slow(text);
    const library = this.#library;
    const normalized = library.normalizer ? library.normalizer(text) : text;
    if (normalized.length === 0) return [];
    if (this.#holdsAddedToken(normalized)) return this.#slow(text);
    const pieces = library.pre_tokenizer
      ? library.pre_tokenizer(normalized, { section_index: 0 })
      : [normalized];
    const ids: number[] = [];
    for (const piece of pieces) {
      if (this.#wordMarker) {
        for (const word of splitBefore(piece, this.#wordMarker)) ids.push(...this.#pieceIds(word));
      } else {
        ids.push(...this.#pieceIds(piece));
      }
    }
    return ids;
  }

  /** What the library's own encode gives (for texts the fast path does not cover, and for tests). */
  encodeWithLibrary(text: string): number[] {
    return this.#slow(text);
  }

  #slow(text: string): number[] {
    return this.#library.encode(text, { add_special_tokens: false }).ids;
  }

  #holdsAddedToken(text: string): boolean {
    for (const content of this.#addedTokens.keys()) if (text.includes(content)) return true;
    return false;
  }

  #pieceIds(piece: string): readonly number[] {
    const cached = this.#cache.get(piece);
    if (cached) return cached;
    const model = this.#library.model;
    const ids = model([piece]).map(
      (token) => this.#addedTokens.get(token) ?? model.tokens_to_ids.get(token) ?? this.unknownTokenId ?? -1,
    );
    if (this.#cache.size >= cacheLimit) this.#cache.clear();
    this.#cache.set(piece, ids);
    return ids;
  }
}

/** `▁a▁b` -> [`▁a`, `▁b`]; text before the first marker stays its own part. */
function splitBefore(text: string, marker: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let index = text.indexOf(marker, 1); index !== -1; index = text.indexOf(marker, index + 1)) {
    parts.push(text.slice(start, index));
    start = index;
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.length > 0);
}
