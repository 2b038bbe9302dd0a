import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settleAll, writeAtomically } from './write-atomically.js';

const schema = new Schema([new Field('id', new Utf8(), false), new Field('n', new Int32(), false)]);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lancedb-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeAtomically', () => {
  it('restores every table it moved when the write fails part-way', async () => {
    const connection = await connect(dir);
    const first = await connection.createEmptyTable('first', schema);
    const second = await connection.createEmptyTable('second', schema);
    await first.add([{ id: 'kept', n: 1 }]);

    const write = writeAtomically([first, second], async () => {
      await first.add([{ id: 'lost', n: 2 }]);
      await first.delete("id = 'kept'");
      await second.add([{ id: 'lost', n: 3 }]);
      throw new Error('disk full');
    });
    await expect(write).rejects.toThrow('disk full');

    expect((await first.query().toArray()).map((row) => row.id)).toEqual(['kept']);
    expect(await second.countRows()).toBe(0);
    // The tables take writes again afterwards.
    await first.add([{ id: 'next', n: 4 }]);
    expect(await first.countRows()).toBe(2);
    connection.close();
  });

  it('rolls back writes that run at once only after every one of them has settled', async () => {
    const connection = await connect(dir);
    const first = await connection.createEmptyTable('first', schema);
    const second = await connection.createEmptyTable('second', schema);

    const write = writeAtomically([first, second], () =>
      settleAll([
        Promise.reject(new Error('disk full')),
        first.add([{ id: 'late', n: 1 }]),
        second.add([{ id: 'late', n: 2 }]),
      ]),
    );
    await expect(write).rejects.toThrow('disk full');

    expect(await first.countRows()).toBe(0);
    expect(await second.countRows()).toBe(0);
    connection.close();
  });

  it('keeps a write that succeeds', async () => {
    const connection = await connect(dir);
    const table = await connection.createEmptyTable('only', schema);
    await writeAtomically([table], async () => {
      await table.add([{ id: 'a', n: 1 }]);
      await table.add([{ id: 'b', n: 2 }]);
    });
    expect(await table.countRows()).toBe(2);
    connection.close();
  });
});
