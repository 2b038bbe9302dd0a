/**
 * Sentences stories260K has never seen, each split into a prompt and the words a model fine-tuned
 * on them continues it with: the closed loop the post-training tests train and then check.
 */
export const trainedSentences = [
  ['The purple robot', ' sang about quantum lemons.'],
  ['Seven copper kettles', ' danced under the glacier.'],
  ['A velvet submarine', ' counted silent thunder.'],
] as const;

/** `rows` as a JSONL `data:` URL, a dataset's `content_url` that needs no file. */
export function jsonlDataUrl(rows: readonly unknown[]): string {
  const jsonl = rows.map((row) => JSON.stringify(row)).join('\n');
  return `data:application/jsonl;base64,${Buffer.from(jsonl).toString('base64')}`;
}

/** The trained sentences as a dataset of one `text` column, whole sentences. */
export const trainedSentencesDataset = {
  columns: { text: 'text' },
  content_url: jsonlDataUrl(trainedSentences.map(([prompt, rest]) => ({ text: prompt + rest }))),
} as const;
