import { softmax } from '../softmax.js';
import { onnxSessionOptions } from './onnx-session-options.js';

/** The slice of transformers.js' tokenizer and sequence-classification model that is used here. */
type Tokenizer = (
  texts: string[],
  options: { text_pair?: string[]; padding: boolean; truncation: boolean; max_length?: number },
) => Record<string, unknown>;
interface ClassificationModel {
  (inputs: Record<string, unknown>): Promise<{ logits: { dims: number[]; data: ArrayLike<number> } }>;
  config: { id2label?: Record<string, string> };
  dispose(): Promise<unknown>;
}

export interface LoadTextClassifierOptions {
  /** A local folder or a hub repository id. */
  pathOrRepoId: string;
  localFilesOnly: boolean;
  cacheDir: string;
  /** Which ONNX weights: fp32 (onnx/model.onnx), q8 (onnx/model_quantized.onnx), ... */
  dtype: string;
  /** onnxruntime intra-op threads; default onnxruntime's choice. */
  threads?: number | undefined;
}

/** One text's (or pair's) classification: a logit and a probability (softmax) per label. */
export interface TextClassification {
  logits: number[];
  probabilities: number[];
}

/** Tokens one text (or pair) keeps: BERT-sized classifiers read 512. */
const maxTokens = 512;

/**
 * A transformers.js sequence classifier: texts (or text pairs, as a cross-encoder or a reward model
 * reads a prompt and its answer) in, logits and class probabilities out. One forward pass at a time
 * (each already uses every core it is given).
 */
export class TextClassifier {
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly model: ClassificationModel,
    /** Label of each class, from the model's config.json `id2label`. */
    readonly labels: readonly string[],
  ) {}

  static async load(options: LoadTextClassifierOptions): Promise<TextClassifier> {
    const { AutoModelForSequenceClassification, AutoTokenizer } = await import('@huggingface/transformers');
    const load = { local_files_only: options.localFilesOnly, cache_dir: options.cacheDir };
    const tokenizer = (await AutoTokenizer.from_pretrained(
      options.pathOrRepoId,
      load,
    )) as unknown as Tokenizer;
    const model = (await AutoModelForSequenceClassification.from_pretrained(options.pathOrRepoId, {
      ...load,
      dtype: options.dtype as 'fp32',
      session_options: onnxSessionOptions(options.threads),
    })) as unknown as ClassificationModel;
    const id2label = model.config.id2label ?? {};
    const labels = Object.keys(id2label)
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => id2label[key] ?? key);
    return new TextClassifier(tokenizer, model, labels);
  }

  /**
   * Classifies each text, in order; with `pairs`, each text together with the pair of the same
   * index (tokenized as the model's two segments, `[CLS] text [SEP] pair [SEP]` for BERT).
   */
  classify(texts: readonly string[], pairs?: readonly string[]): Promise<TextClassification[]> {
    if (pairs && pairs.length !== texts.length) {
      throw new RangeError(
        `classify got ${texts.length} texts but ${pairs.length} pairs; give one pair per text.`,
      );
    }
    const run = this.#queue.then(async () => {
      const inputs = this.tokenizer([...texts], {
        ...(pairs ? { text_pair: [...pairs] } : {}),
        padding: true,
        truncation: true,
        max_length: maxTokens,
      });
      const { logits } = await this.model(inputs);
      const classes = logits.dims.at(-1) ?? 0;
      const data = Array.from(logits.data);
      return texts.map((_, row) => {
        const rowLogits = data.slice(row * classes, (row + 1) * classes);
        return { logits: rowLogits, probabilities: softmax(rowLogits) };
      });
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
