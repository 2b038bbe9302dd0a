import { createHash } from 'node:crypto';
import type { Schema } from 'apache-arrow';
import { lancedbArrow } from './lancedb-arrow.js';

// Built with LanceDB's own apache-arrow, so the rows `toArrowRows` builds on them go to it as they are.
const { Field, FixedSizeList, Float32, Int32, Schema: ArrowSchema, Utf8 } = lancedbArrow;

/** A bank as the registry table keeps it. */
export interface BankRecord {
  uuid: string;
  name: string;
  embeddingModel: string;
  embeddingDimension: number;
  chunkSizeInTokens: number;
  overlapSizeInTokens: number;
  /** Names the bank's two tables; derived from the uuid, so any uuid makes a valid table name. */
  tableKey: string;
  createdAt: string;
}

/** A stored document: what it was given as, and what it indexed to. */
export interface DocumentRow {
  uuid: string;
  /** The `content` as given (text or URL); `getDocuments` answers with it. */
  content: string;
  mime_type: string;
  /** The metadata as JSON text (schemaless, so any JSON object fits). */
  metadata: string;
  /** sha256 of the extracted text. */
  text_hash: string;
  chunk_count: number;
}

/** One chunk of a document with its embedding. */
export interface ChunkRow {
  document_id: string;
  chunk_index: number;
  text: string;
  token_count: number;
  /** sha256 of `text`: an update reuses the vector of a chunk whose text it already embedded. */
  text_hash: string;
  metadata: string;
  vector: number[];
}

export const registryTableName = 'memory_banks';
/** Bumped when the layout of the tables changes, so a later version can migrate older banks. */
export const storageFormatVersion = 1;

export const registrySchema = new ArrowSchema([
  new Field('uuid', new Utf8(), false),
  new Field('name', new Utf8(), false),
  new Field('embedding_model', new Utf8(), false),
  new Field('embedding_dimension', new Int32(), false),
  new Field('chunk_size_in_tokens', new Int32(), false),
  new Field('overlap_size_in_tokens', new Int32(), false),
  new Field('table_key', new Utf8(), false),
  new Field('created_at', new Utf8(), false),
  new Field('format_version', new Int32(), false),
]);

export const documentsSchema = new ArrowSchema([
  new Field('uuid', new Utf8(), false),
  new Field('content', new Utf8(), false),
  new Field('mime_type', new Utf8(), false),
  new Field('metadata', new Utf8(), false),
  new Field('text_hash', new Utf8(), false),
  new Field('chunk_count', new Int32(), false),
]);

export function chunksSchema(dimension: number): Schema {
  return new ArrowSchema([
    new Field('document_id', new Utf8(), false),
    new Field('chunk_index', new Int32(), false),
    new Field('text', new Utf8(), false),
    new Field('token_count', new Int32(), false),
    new Field('text_hash', new Utf8(), false),
    new Field('metadata', new Utf8(), false),
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true)), false),
  ]);
}

export function tableKeyOf(bankUuid: string): string {
  return createHash('sha256').update(bankUuid).digest('hex').slice(0, 32);
}

export const documentsTableName = (record: Pick<BankRecord, 'tableKey'>) =>
  `bank_${record.tableKey}_documents`;
export const chunksTableName = (record: Pick<BankRecord, 'tableKey'>) => `bank_${record.tableKey}_chunks`;

/** The LanceDB table names of a bank, for tools that read (or bulk-load) its tables directly. */
export function bankTableNames(bankUuid: string): { documents: string; chunks: string } {
  const record = { tableKey: tableKeyOf(bankUuid) };
  return { documents: documentsTableName(record), chunks: chunksTableName(record) };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
