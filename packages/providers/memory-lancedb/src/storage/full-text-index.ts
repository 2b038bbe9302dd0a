import { Index, type Table } from '@lancedb/lancedb';

/** LanceDB's default name for the index on `text`. */
const fullTextIndexName = 'text_idx';

/** Creates the index keyword search reads, on a bank's new chunks table. */
export async function createFullTextIndex(chunks: Table): Promise<void> {
  // English stemming and stop words: "refunds" finds "refund", "the" matches nothing.
  await chunks.createIndex('text', {
    config: Index.fts({
      withPosition: false,
      stem: true,
      removeStopWords: true,
      asciiFolding: true,
      lowercase: true,
      language: 'English',
    }),
  });
}

/** Rows of the chunks table the full-text index has not taken in; 0 when the index cannot be read. */
export async function unindexedFullTextRows(chunks: Table): Promise<number> {
  const stats = await chunks.indexStats(fullTextIndexName).catch(() => undefined);
  return stats?.numUnindexedRows ?? 0;
}
