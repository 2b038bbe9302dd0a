// @ts-check
// The worker thread of `TokenizerThread` (tokenizer-thread.ts). JavaScript, not TypeScript: a
// worker thread runs this file as it is, from src/ in tests and from dist/ (a tsup entry) in use.
// It tokenizes with @huggingface/tokenizers, not transformers.js: transformers.js loads
// onnxruntime-node, and a thread that loaded it crashes the process when it exits (measured on
// Node 20 with onnxruntime-node 1.21: SIGABRT or SIGSEGV in most runs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer } from '@huggingface/tokenizers';
import { cacheWordPieces } from './cache-word-pieces.js';

/**
 * @typedef {import('./tokenizer-thread.js').TokenizerThreadOptions} TokenizerThreadOptions
 * @typedef {import('./tokenizer-thread.js').TokenizeMessage} TokenizeMessage
 * @typedef {import('./tokenizer-thread.js').EncoderInput} EncoderInput
 * @typedef {{ model_max_length?: number, padding_side?: string, pad_token?: unknown, eos_token?: unknown }} TokenizerConfig
 */

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const { folder } = /** @type {TokenizerThreadOptions} */ (workerData);
const readJson = (/** @type {string} */ file) => JSON.parse(readFileSync(join(folder, file), 'utf8'));
/** @type {TokenizerConfig} */
const config = readJson('tokenizer_config.json');
const tokenizer = new Tokenizer(readJson('tokenizer.json'), config);
if (tokenizer.model) cacheWordPieces(/** @type {never} */ (tokenizer.model));

// As transformers.js pads: with `pad_token`, else `eos_token`, on the side the config names.
/** @param {unknown} token */
const tokenContent = (token) =>
  typeof token === 'object' && token !== null && 'content' in token ? String(token.content) : token;
const padToken = tokenContent(config.pad_token) || tokenContent(config.eos_token);
const padId = typeof padToken === 'string' ? (tokenizer.token_to_id(padToken) ?? 0) : 0;
const padLeft = config.padding_side === 'left';

/**
 * The encoder's int64 inputs of `texts`: each cut at `maxTokens` tokens (from the end, as
 * transformers.js does), then padded to the longest.
 *
 * @param {string[]} texts
 * @param {number} maxTokens
 * @returns {Record<string, EncoderInput>}
 */
function tokenize(texts, maxTokens) {
  const encodings = texts.map((text) => tokenizer.encode(text).ids.slice(0, maxTokens));
  const width = Math.max(...encodings.map((ids) => ids.length));
  const inputIds = new BigInt64Array(texts.length * width);
  const attentionMask = new BigInt64Array(texts.length * width);
  inputIds.fill(BigInt(padId));
  for (const [row, ids] of encodings.entries()) {
    const start = row * width + (padLeft ? width - ids.length : 0);
    for (const [offset, id] of ids.entries()) {
      inputIds[start + offset] = BigInt(id);
      attentionMask[start + offset] = 1n;
    }
  }
  /** @type {[number, number]} */
  const dims = [texts.length, width];
  // transformers.js fills token_type_ids with zeros for a model that takes them, as one text has.
  return { input_ids: { data: inputIds, dims }, attention_mask: { data: attentionMask, dims } };
}

port.on('message', (/** @type {TokenizeMessage | 'close'} */ message) => {
  if (message === 'close') {
    port.close();
    return;
  }
  try {
    port.postMessage({ id: message.id, inputs: tokenize(message.texts, message.maxTokens) });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
port.postMessage({ modelMaxLength: config.model_max_length });
