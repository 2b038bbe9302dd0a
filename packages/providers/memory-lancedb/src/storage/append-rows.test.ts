import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendRows } from './append-rows.js';
import { chunksSchema } from './bank-tables.js';
import { toArrowRows } from './lancedb-bank-store.js';
import { writeAtomically } from './write-atomically.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lancedb-append-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Chunk rows with multi-byte text and 4-dimension vectors, over several of `toArrowRows`' record batches. */
const chunkRows = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    document_id: `doc-${index % 7}`,
    chunk_index: index,
    text: `Chunk ${index}: Ünïcödé ✓ ${'x'.repeat(index % 50)}`,
    token_count: 3 + (index % 5),
    text_hash: `hash-${index}`,
    metadata: JSON.stringify({ index }),
    vector: [index, -index, index / 2, 1],
  }));

describe('appendRows', () => {
  it('appends every record batch in one commit, each value as it was given', async () => {
    const connection = await connect(dir);
    const table = await connection.createEmptyTable('chunks', chunksSchema(4));
    const rows = chunkRows(700);
    const data = await toArrowRows(rows, chunksSchema(4));
    expect(data.batches.length).toBeGreaterThan(1);
    const before = await table.version();

    await appendRows(table, data);

    expect(await table.version()).toBe(before + 1);
    const stored = (await table.query().toArray())
      .map((row) => ({ ...row, vector: Array.from(row.vector as Iterable<number>) }))
      .sort((a, b) => a.chunk_index - b.chunk_index);
    expect(stored).toEqual(rows);
    connection.close();
  });

  it('appends after rows already there, and its commit rolls back with the rest of a failed write', async () => {
    const connection = await connect(dir);
    const table = await connection.createEmptyTable('chunks', chunksSchema(4));
    await appendRows(table, await toArrowRows(chunkRows(3), chunksSchema(4)));

    const write = writeAtomically([table], async () => {
      await appendRows(table, await toArrowRows(chunkRows(300), chunksSchema(4)));
      throw new Error('the documents table refused its rows');
    });
    await expect(write).rejects.toThrow('refused its rows');

    expect(await table.countRows()).toBe(3);
    await appendRows(table, await toArrowRows(chunkRows(2), chunksSchema(4)));
    expect(await table.countRows()).toBe(5);
    connection.close();
  });
});
