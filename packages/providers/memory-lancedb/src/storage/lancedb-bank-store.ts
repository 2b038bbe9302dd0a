import { type Connection, connect, type Table } from '@lancedb/lancedb';
import { EventLoopSlices } from '@llama-stack-ts/provider-utils';
import type { Table as ArrowTable, Data, Field, Schema } from 'apache-arrow';
import {
  type BankRecord,
  chunksSchema,
  chunksTableName,
  documentsSchema,
  documentsTableName,
  registrySchema,
  registryTableName,
  storageFormatVersion,
} from './bank-tables.js';
import { createFullTextIndex } from './full-text-index.js';
import { lancedbArrow } from './lancedb-arrow.js';
import { sqlString } from './sql-literal.js';

/** The two tables of one bank. */
export interface BankTables {
  documents: Table;
  chunks: Table;
}

export interface LanceDbBankStoreOptions {
  uri: string;
  storageOptions?: Record<string, string>;
  /** LanceDB's `readConsistencyInterval`: how stale another process's writes may look, in seconds. */
  readConsistencyIntervalS?: number | undefined;
}

/**
 * The LanceDB side of the provider: one registry table (`memory_banks`) with a row per bank, and
 * per bank a documents table and a chunks table (text, metadata, vector; full-text index on text).
 * A bank exists once its registry row does: that row is written last on create and removed first
 * on drop, so a crash in between leaves only unreferenced tables, which the next create of the same
 * uuid overwrites.
 */
export class LanceDbBankStore {
  private constructor(
    private readonly connection: Connection,
    private readonly registry: Table,
  ) {}

  static async open(options: LanceDbBankStoreOptions): Promise<LanceDbBankStore> {
    const connection = await connect(options.uri, {
      storageOptions: options.storageOptions ?? {},
      ...(options.readConsistencyIntervalS === undefined
        ? {}
        : { readConsistencyInterval: options.readConsistencyIntervalS }),
    });
    const names = await connection.tableNames();
    const registry = names.includes(registryTableName)
      ? await connection.openTable(registryTableName)
      : await connection.createEmptyTable(registryTableName, registrySchema, { existOk: true });
    return new LanceDbBankStore(connection, registry);
  }

  async listBanks(): Promise<BankRecord[]> {
    const rows = await this.registry.query().toArray();
    return rows.map(toBankRecord).sort((left, right) => left.createdAt.localeCompare(right.createdAt));
  }

  async findBank(uuid: string): Promise<BankRecord | undefined> {
    const [row] = await this.registry
      .query()
      .where(`uuid = ${sqlString(uuid)}`)
      .limit(1)
      .toArray();
    return row ? toBankRecord(row) : undefined;
  }

  /** Creates (or overwrites leftovers of) the tables of a bank not yet registered. */
  async createBankTables(record: BankRecord): Promise<BankTables> {
    const documents = await this.connection.createEmptyTable(documentsTableName(record), documentsSchema, {
      mode: 'overwrite',
    });
    const chunks = await this.connection.createEmptyTable(
      chunksTableName(record),
      chunksSchema(record.embeddingDimension),
      {
        mode: 'overwrite',
      },
    );
    await createFullTextIndex(chunks);
    return { documents, chunks };
  }

  async openBankTables(record: BankRecord): Promise<BankTables> {
    const [documents, chunks] = await Promise.all([
      this.connection.openTable(documentsTableName(record)),
      this.connection.openTable(chunksTableName(record)),
    ]);
    return { documents, chunks };
  }

  /**
   * A second handle on a bank's chunks table. A LanceDB handle keeps its dataset locked while it
   * builds an index, so a build on the bank's shared handle would hold back its writes and queries.
   */
  async openChunksTable(record: BankRecord): Promise<Table> {
    return this.connection.openTable(chunksTableName(record));
  }

  /** The commit point of a create: from now on the bank is listed and found. */
  async registerBank(record: BankRecord): Promise<void> {
    await this.registry.add(
      await toArrowRows(
        [
          {
            uuid: record.uuid,
            name: record.name,
            embedding_model: record.embeddingModel,
            embedding_dimension: record.embeddingDimension,
            chunk_size_in_tokens: record.chunkSizeInTokens,
            overlap_size_in_tokens: record.overlapSizeInTokens,
            table_key: record.tableKey,
            created_at: record.createdAt,
            format_version: storageFormatVersion,
          },
        ],
        registrySchema,
      ),
    );
  }

  async unregisterBank(uuid: string): Promise<void> {
    await this.registry.delete(`uuid = ${sqlString(uuid)}`);
  }

  /** Drops a bank's tables, ignoring ones already gone. */
  async dropBankTables(record: BankRecord): Promise<void> {
    const names = new Set(await this.connection.tableNames());
    for (const name of [documentsTableName(record), chunksTableName(record)]) {
      if (names.has(name)) await this.connection.dropTable(name);
    }
  }

  close(): void {
    this.registry.close();
    this.connection.close();
  }
}

/**
 * Rows as LanceDB table data with the table's exact schema, built a column at a time from the
 * types the bank tables use: Utf8, Int32, and vectors (fixed-size lists of Float32) copied into one
 * Float32Array. `makeArrowTable` infers value by value, about three times slower on a write of 256 chunks.
 * Built in record batches of at most `rowsPerBatch` rows and `charactersPerBatch` characters of
 * text, with the event loop let in between when it has run a while: a 15 MB insert's chunks and
 * documents took a quarter of a second to convert in one go.
 */
export async function toArrowRows(rows: readonly object[], schema: Schema): Promise<ArrowTable> {
  const { makeData, RecordBatch, Struct, Table } = lancedbArrow;
  const records = rows as readonly Record<string, unknown>[];
  const batches: InstanceType<typeof RecordBatch>[] = [];
  const slices = new EventLoopSlices();
  let start = 0;
  do {
    let end = start;
    let characters = 0;
    while (end < records.length && end - start < rowsPerBatch && characters < charactersPerBatch) {
      characters += textLength(records[end]!);
      end += 1;
    }
    const slice = records.slice(start, end);
    const children = schema.fields.map((field) => toColumn(field, slice));
    batches.push(
      new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: slice.length, children })),
    );
    start = end;
    if (slices.due()) await slices.next();
  } while (start < records.length);
  return new Table(schema, batches);
}

/** Rows of one record batch of `toArrowRows`: a few milliseconds of work for chunks of 512 tokens. */
const rowsPerBatch = 256;
/** Characters of text in one record batch of `toArrowRows` (a document row holds its whole content). */
const charactersPerBatch = 512 * 1024;

function textLength(row: Record<string, unknown>): number {
  let length = 0;
  for (const key in row) {
    const value = row[key];
    if (typeof value === 'string') length += value.length;
  }
  return length;
}

function toColumn(field: Field, rows: readonly Record<string, unknown>[]): Data {
  const { DataType, makeData, Precision, vectorFromArray } = lancedbArrow;
  const { type } = field;
  const values = rows.map((row) => row[field.name]);
  if (DataType.isUtf8(type)) return vectorFromArray(values as string[], type).data[0]!;
  if (DataType.isInt(type) && type.bitWidth === 32 && type.isSigned) {
    return makeData({ type, length: values.length, data: Int32Array.from(values as number[]) });
  }
  if (
    DataType.isFixedSizeList(type) &&
    DataType.isFloat(type.valueType) &&
    type.valueType.precision === Precision.SINGLE
  ) {
    const size = type.listSize;
    const flat = new Float32Array(values.length * size);
    (values as ArrayLike<number>[]).forEach((vector, index) => {
      if (vector.length !== size) {
        throw new RangeError(
          `${field.name} of row ${index} has ${vector.length} values, the table takes ${size}`,
        );
      }
      flat.set(vector, index * size);
    });
    const child = makeData({ type: type.valueType, length: flat.length, data: flat });
    return makeData({ type, length: values.length, child });
  }
  throw new TypeError(`no Arrow conversion for column ${field.name} of type ${type}`);
}

function toBankRecord(row: Record<string, unknown>): BankRecord {
  return {
    uuid: String(row.uuid),
    name: String(row.name),
    embeddingModel: String(row.embedding_model),
    embeddingDimension: Number(row.embedding_dimension),
    chunkSizeInTokens: Number(row.chunk_size_in_tokens),
    overlapSizeInTokens: Number(row.overlap_size_in_tokens),
    tableKey: String(row.table_key),
    createdAt: String(row.created_at),
  };
}
