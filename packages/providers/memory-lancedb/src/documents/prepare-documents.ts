import { InvalidRequestError, type MemoryBankDocument } from '@llama-stack-ts/core';
import { EventLoopSlices } from '@llama-stack-ts/provider-utils';
import { chunkTextSteps, type TextChunk } from '../chunking/chunk-text.js';
import { sha256 } from '../storage/bank-tables.js';
import type { ReadDocumentOptions } from './document-source.js';
import { extractDocumentText } from './extract-document-text.js';
import { readDocumentSource } from './read-document-source.js';

export interface PreparedChunk extends TextChunk {
  textHash: string;
}

/** A document read, converted to text and chunked: everything but the embeddings. */
export interface PreparedDocument {
  document: MemoryBankDocument;
  /** The request path of the document (`documents.2`). */
  field: string;
  textHash: string;
  chunks: PreparedChunk[];
}

export interface PrepareDocumentsOptions extends ReadDocumentOptions {
  chunkSizeInTokens: number;
  overlapSizeInTokens: number;
  /** Documents read at once (fetches and file reads overlap; parsing does not). Default 4. */
  concurrency?: number;
}

/**
 * Reads, converts and chunks the documents of one request. Nothing is stored: a bad document
 * fails the whole request before the bank is touched. Two documents with one uuid are refused.
 */
export async function prepareDocuments(
  documents: readonly MemoryBankDocument[],
  options: PrepareDocumentsOptions,
): Promise<PreparedDocument[]> {
  const seen = new Map<string, number>();
  documents.forEach((document, index) => {
    const earlier = seen.get(document.uuid);
    if (earlier !== undefined) {
      throw new InvalidRequestError(
        `documents.${index}.uuid`,
        `'${document.uuid}' is also the uuid of documents.${earlier}; each document of a request needs its own`,
      );
    }
    seen.set(document.uuid, index);
  });

  const prepared: PreparedDocument[] = new Array(documents.length);
  // Chunking megabytes of text takes a while: other requests go on between slices of it.
  const slices = new EventLoopSlices();
  let next = 0;
  const worker = async () => {
    while (next < documents.length) {
      const index = next++;
      const document = documents[index]!;
      const field = `documents.${index}`;
      const source = await readDocumentSource(
        document.content,
        document.mime_type,
        `${field}.content`,
        options,
      );
      const text = await extractDocumentText(source, field);
      const chunks: PreparedChunk[] = [];
      for (const step of chunkTextSteps(text, options)) {
        if (step) chunks.push({ ...step, textHash: sha256(step.text) });
        if (slices.due()) await slices.next(options.signal);
      }
      prepared[index] = { document, field, textHash: sha256(text), chunks };
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, documents.length) }, worker));
  return prepared;
}
