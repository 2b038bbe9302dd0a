import { ConflictError, type MemoryBankDocument, NotFoundError } from '@llama-stack-ts/core';
import type { OpenBank } from '../banks/open-bank.js';
import type { DocumentRow } from '../storage/bank-tables.js';
import { sqlIn } from '../storage/sql-literal.js';

/** Stored documents by uuid; with `required`, an unknown uuid is a `NotFoundError`. */
export async function storedDocuments(
  bank: OpenBank,
  uuids: readonly string[],
  required: boolean,
): Promise<Map<string, DocumentRow>> {
  const stored = new Map<string, DocumentRow>();
  if (uuids.length === 0) return stored;
  const rows = await bank.tables.documents
    .query()
    .where(sqlIn('uuid', [...new Set(uuids)]))
    .toArray();
  for (const row of rows as DocumentRow[]) stored.set(row.uuid, { ...row });
  if (required) {
    const missing = uuids.find((uuid) => !stored.has(uuid));
    if (missing !== undefined) {
      throw new NotFoundError(
        'document',
        missing,
        `Memory bank '${bank.record.uuid}' has no such document; add it with POST /memory_bank/insert.`,
      );
    }
  }
  return stored;
}

/** The vectors of the chunks these documents have now, by chunk text hash. */
export async function storedVectors(
  bank: OpenBank,
  uuids: readonly string[],
): Promise<Map<string, number[]>> {
  if (uuids.length === 0) return new Map();
  const rows = await bank.tables.chunks
    .query()
    .where(sqlIn('document_id', uuids))
    .select(['text_hash', 'vector'])
    .toArray();
  return new Map(rows.map((row) => [String(row.text_hash), Array.from(row.vector as Iterable<number>)]));
}

/**
 * A `ConflictError` for the first document whose uuid the bank holds. Answers with the version of
 * the documents table it read (or a later one): while the table stays at it, the answer holds.
 */
export async function refuseStoredDocuments(
  bank: OpenBank,
  documents: readonly MemoryBankDocument[],
): Promise<number> {
  const version = await bank.tables.documents.version();
  if (documents.length === 0) return version;
  const rows = await bank.tables.documents
    .query()
    .where(sqlIn('uuid', [...new Set(documents.map((document) => document.uuid))]))
    .select(['uuid'])
    .toArray();
  const stored = new Set(rows.map((row) => String(row.uuid)));
  const index = documents.findIndex((document) => stored.has(document.uuid));
  if (index >= 0) {
    throw new ConflictError(
      `Document '${documents[index]!.uuid}' is already in memory bank '${bank.record.uuid}'; use POST /memory_bank/update to replace it.`,
      { field: `documents.${index}.uuid` },
    );
  }
  return version;
}
