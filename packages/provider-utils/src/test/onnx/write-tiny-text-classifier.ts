import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeMessage, type Field } from './protobuf-writer.js';

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;

const str = (value: string) => ({ string: value });
const msg = (fields: Field[]) => ({ message: fields });
const int = (value: number) => ({ varint: value });

function floatTensor(name: string, dims: number[], values: Float32Array): Field[] {
  return [
    ...dims.map((dim): Field => [1, int(dim)]),
    [2, int(FLOAT)],
    [8, str(name)],
    [9, { bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) }],
  ];
}

function int64Tensor(name: string, values: number[]): Field[] {
  const data = new BigInt64Array(values.map(BigInt));
  return [
    [1, int(values.length)],
    [2, int(INT64)],
    [8, str(name)],
    [9, { bytes: new Uint8Array(data.buffer) }],
  ];
}

function node(opType: string, inputs: string[], outputs: string[], attributes: Field[][] = []): Field {
  return [
    1,
    msg([
      ...inputs.map((input): Field => [1, str(input)]),
      ...outputs.map((output): Field => [2, str(output)]),
      [3, str(`${opType}_${outputs[0]}`)],
      [4, str(opType)],
      ...attributes.map((attribute): Field => [5, msg(attribute)]),
    ]),
  ];
}

function intAttribute(name: string, value: number): Field[] {
  return [
    [1, str(name)],
    [3, int(value)],
    [20, int(ATTRIBUTE_INT)],
  ];
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]): Field[] {
  const shape = dims.map((dim): Field => [1, msg([typeof dim === 'number' ? [1, int(dim)] : [2, str(dim)]])]);
  return [
    [1, str(name)],
    [
      2,
      msg([
        [
          1,
          msg([
            [1, int(elemType)],
            [2, msg(shape)],
          ]),
        ],
      ]),
    ],
  ];
}

export interface ClassifierWeights {
  /** [vocab, labels] row-major: each token's vote per label. */
  embeddings: Float32Array;
  vocabSize: number;
  labels: number;
  /** Added to the pooled votes. */
  bias: Float32Array;
}

/**
 * An ONNX sequence classifier (opset 13) in BERT's input/output names: each token looks up a row of
 * per-label votes, the rows are averaged over the attention mask, a bias is added: `logits`
 * [batch, labels]. Far from BERT, but every stage of transformers.js' text-classification path
 * (tokenizer, session inputs, logits, id2label) runs through it.
 */
export function encodeClassifierModel(weights: ClassifierWeights): Uint8Array {
  const graph: Field[] = [
    node('Gather', ['embeddings', 'input_ids'], ['token_votes']),
    node('Cast', ['attention_mask'], ['mask_float'], [intAttribute('to', FLOAT)]),
    node('Unsqueeze', ['mask_float', 'axis_2'], ['mask_3d']),
    node('Mul', ['token_votes', 'mask_3d'], ['masked_votes']),
    node('ReduceSum', ['masked_votes', 'axis_1'], ['vote_sum'], [intAttribute('keepdims', 0)]),
    node('ReduceSum', ['mask_3d', 'axis_1'], ['token_count'], [intAttribute('keepdims', 0)]),
    node('Div', ['vote_sum', 'token_count'], ['pooled']),
    node('Add', ['pooled', 'bias'], ['logits']),
    [2, str('tiny-classifier')],
    [5, msg(floatTensor('embeddings', [weights.vocabSize, weights.labels], weights.embeddings))],
    [5, msg(floatTensor('bias', [weights.labels], weights.bias))],
    [5, msg(int64Tensor('axis_1', [1]))],
    [5, msg(int64Tensor('axis_2', [2]))],
    [11, msg(valueInfo('input_ids', INT64, ['batch', 'sequence']))],
    [11, msg(valueInfo('attention_mask', INT64, ['batch', 'sequence']))],
    [12, msg(valueInfo('logits', FLOAT, ['batch', weights.labels]))],
  ];
  return encodeMessage([
    [1, int(8)],
    [2, str('llama-stack-ts test suite')],
    [7, msg(graph)],
    [
      8,
      msg([
        [1, str('')],
        [2, int(13)],
      ]),
    ],
  ]);
}

/** A seeded N(0, sd²) stream (mulberry32 + Box-Muller), so the "random" weights are the same every run. */
export function seededNormal(seed: number, sd: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () =>
    sd * Math.sqrt(-2 * Math.log(uniform() || Number.MIN_VALUE)) * Math.cos(2 * Math.PI * uniform());
}

export interface TinyTextClassifierOptions {
  /** Folder with the real WordPiece tokenizer files to copy (tokenizer.json, tokenizer_config.json, …). */
  tokenizerDir: string;
  outputDir: string;
  /** The classes, in `id2label` order. */
  labels: readonly string[];
  /** Token → label index it votes for strongly; every other token's votes are random and small. */
  triggers: Record<string, number>;
  /** Added to each label's pooled votes; default 0 for every label. */
  bias?: readonly number[];
}

/**
 * Writes a transformers.js sequence-classification folder (config.json with `id2label`, the
 * tokenizer files, onnx/model.onnx) with random weights (seeded), except that the trigger tokens
 * vote hard for their label, so a test can tell the wiring apart from chance.
 */
export async function writeTinyTextClassifier(options: TinyTextClassifierOptions): Promise<void> {
  const tokenizer = JSON.parse(await readFile(join(options.tokenizerDir, 'tokenizer.json'), 'utf8')) as {
    model: { vocab: Record<string, number> };
  };
  const vocab = tokenizer.model.vocab;
  const vocabSize = Math.max(...Object.values(vocab)) + 1;
  const labels = options.labels;
  const normal = seededNormal(20240723, 0.1);
  const embeddings = Float32Array.from({ length: vocabSize * labels.length }, normal);
  for (const [token, label] of Object.entries(options.triggers)) {
    const id = vocab[token];
    if (id === undefined) throw new Error(`trigger '${token}' is not in the tokenizer's vocabulary`);
    embeddings.fill(0, id * labels.length, (id + 1) * labels.length);
    embeddings[id * labels.length + label] = 60;
  }
  await mkdir(join(options.outputDir, 'onnx'), { recursive: true });
  await writeFile(
    join(options.outputDir, 'onnx', 'model.onnx'),
    encodeClassifierModel({
      embeddings,
      vocabSize,
      labels: labels.length,
      bias: Float32Array.from(options.bias ?? labels.map(() => 0)),
    }),
  );
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    await writeFile(join(options.outputDir, file), await readFile(join(options.tokenizerDir, file)));
  }
  const id2label = Object.fromEntries(labels.map((label, index) => [String(index), label]));
  const label2id = Object.fromEntries(labels.map((label, index) => [label, index]));
  await writeFile(
    join(options.outputDir, 'config.json'),
    JSON.stringify(
      {
        model_type: 'bert',
        architectures: ['BertForSequenceClassification'],
        hidden_size: labels.length,
        vocab_size: vocabSize,
        max_position_embeddings: 512,
        id2label,
        label2id,
      },
      null,
      2,
    ),
  );
}
