import { softmax } from './prompt-guard-scores.js';

/** The slice of transformers.js' tokenizer and sequence-classification model that is used here. */
type Tokenizer = (
  texts: string[],
  options: { padding: boolean; truncation: boolean; max_length?: number },
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
  dtype: string;
}

/**
 * A transformers.js sequence classifier: texts in, class probabilities out (softmax of the logits),
 * one forward pass at a time (each already uses every core).
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
      session_options: { logSeverityLevel: 3 },
    })) as unknown as ClassificationModel;
    const id2label = model.config.id2label ?? {};
    const labels = Object.keys(id2label)
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => id2label[key] ?? key);
    return new TextClassifier(tokenizer, model, labels);
  }

  /** Class probabilities of each text, in order. */
  classify(texts: readonly string[]): Promise<number[][]> {
    const run = this.#queue.then(async () => {
      const inputs = this.tokenizer([...texts], { padding: true, truncation: true, max_length: 512 });
      const { logits } = await this.model(inputs);
      const classes = logits.dims.at(-1) ?? 0;
      const data = Array.from(logits.data);
      return texts.map((_, row) => softmax(data.slice(row * classes, (row + 1) * classes)));
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
