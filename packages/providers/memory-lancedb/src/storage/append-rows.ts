import type { Table } from '@lancedb/lancedb';
import { EventLoopSlices } from '@llama-stack-ts/provider-utils';
import type { Table as ArrowTable } from 'apache-arrow';
import { lancedbArrow } from './lancedb-arrow.js';

/** What this module uses of the native table behind `@lancedb/lancedb` 0.22's `Table` (its `inner`). */
interface NativeTable {
  add(ipcFile: Buffer, mode: 'append'): Promise<unknown>;
}

/** Bytes copied into the IPC file between two looks at the clock. */
const copyBytes = 1024 * 1024;

/**
 * Appends `data` to `table` in one commit, as `table.add(data)` does, with the event loop let in
 * while the rows are serialized. `table.add` writes the whole Arrow IPC file in one go, then copies
 * it twice (joining its pieces, then into a Buffer): for a 15 MB insert that held the event loop
 * for over a second on a loaded 2-core machine, where touching fresh memory is slow. Here each
 * record batch is written, and the file copied into its Buffer a megabyte at a time, in
 * `EventLoopSlices`; the native append that LanceDB's `add` ends with then takes the Buffer.
 * Appending in several commits instead would let readers, and a crash, see part of a write.
 */
export async function appendRows(table: Table, data: ArrowTable): Promise<void> {
  const native = (table as unknown as { inner?: Partial<NativeTable> }).inner;
  if (typeof native?.add !== 'function') {
    throw new Error(
      'This @lancedb/lancedb has no native `add` behind its Table (0.22.3 has): appendRows needs updating for it.',
    );
  }
  const slices = new EventLoopSlices();
  const writer = new lancedbArrow.RecordBatchFileWriter();
  for (const batch of data.batches) {
    writer.write(batch);
    if (slices.due()) await slices.next();
  }
  // The file's footer; the pieces written (views of the batches' own buffers) are then read back.
  writer.finish();
  const pieces: Uint8Array[] = [];
  let length = 0;
  for await (const piece of writer) {
    pieces.push(piece);
    length += piece.byteLength;
  }
  const file = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const piece of pieces) {
    for (let start = 0; start < piece.byteLength; start += copyBytes) {
      const part = piece.subarray(start, start + copyBytes);
      file.set(part, offset);
      offset += part.byteLength;
      if (slices.due()) await slices.next();
    }
  }
  await native.add(file, 'append');
}
