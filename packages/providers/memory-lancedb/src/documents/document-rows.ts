import type { ChunkRow, DocumentRow } from '../storage/bank-tables.js';
import type { PreparedDocument } from './prepare-documents.js';

/** The chunks table rows of a prepared document, with their vectors by chunk text hash. */
export function toChunkRows(document: PreparedDocument, vectors: Map<string, number[]>): ChunkRow[] {
  const metadata = JSON.stringify(document.document.metadata);
  return document.chunks.map((chunk, index) => ({
    document_id: document.document.uuid,
    chunk_index: index,
    text: chunk.text,
    token_count: chunk.tokenCount,
    text_hash: chunk.textHash,
    metadata,
    vector: vectors.get(chunk.textHash)!,
  }));
}

/** The documents table row of a prepared document. */
export function toDocumentRow(document: PreparedDocument): DocumentRow {
  return {
    uuid: document.document.uuid,
    content: document.document.content,
    mime_type: document.document.mime_type,
    metadata: JSON.stringify(document.document.metadata),
    text_hash: document.textHash,
    chunk_count: document.chunks.length,
  };
}
