import { writeFile } from 'node:fs/promises';

/** GGUF metadata values the writer emits, tagged with their GGUF type. */
export type GgufValue =
  | { type: 'string'; value: string }
  | { type: 'f32'; value: number }
  | { type: 'u32'; value: number };

/** An f32 tensor; `shape` is ggml's `ne` (fastest-varying first), so row-major `[rows, cols]` data has shape `[cols, rows]`. */
export interface GgufF32Tensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

const alignment = 32;
const valueTypes = { u32: 4, f32: 6, string: 8 } as const;
const ggmlF32 = 0;

/** Little-endian bytes appended to a growing buffer. */
class ByteSink {
  readonly #chunks: Uint8Array[] = [];
  length = 0;

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.length += bytes.byteLength;
  }

  u32(value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, true);
    this.#push(bytes);
  }

  u64(value: number): void {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(value), true);
    this.#push(bytes);
  }

  f32(value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#push(bytes);
  }

  string(value: string): void {
    const bytes = new TextEncoder().encode(value);
    this.u64(bytes.byteLength);
    this.#push(bytes);
  }

  raw(bytes: Uint8Array): void {
    this.#push(bytes);
  }

  padTo(multiple: number): void {
    const padding = (multiple - (this.length % multiple)) % multiple;
    if (padding) this.#push(new Uint8Array(padding));
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.#chunks);
  }
}

/** Writes a GGUF v3 file: the metadata in order, then f32 tensors, each aligned to 32 bytes. */
export async function writeGguf(
  path: string,
  metadata: Record<string, GgufValue>,
  tensors: readonly GgufF32Tensor[],
): Promise<void> {
  const sink = new ByteSink();
  sink.raw(new TextEncoder().encode('GGUF'));
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(Object.keys(metadata).length);
  for (const [key, entry] of Object.entries(metadata)) {
    sink.string(key);
    sink.u32(valueTypes[entry.type]);
    if (entry.type === 'string') sink.string(entry.value);
    else if (entry.type === 'f32') sink.f32(entry.value);
    else sink.u32(entry.value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    const count = tensor.shape.reduce((product, dimension) => product * dimension, 1);
    if (count !== tensor.data.length)
      throw new Error(
        `${tensor.name}: shape ${tensor.shape.join('x')} does not hold ${tensor.data.length} values`,
      );
    sink.string(tensor.name);
    sink.u32(tensor.shape.length);
    for (const dimension of tensor.shape) sink.u64(dimension);
    sink.u32(ggmlF32);
    sink.u64(offset);
    offset += Math.ceil(tensor.data.byteLength / alignment) * alignment;
  }
  sink.padTo(alignment);
  for (const tensor of tensors) {
    sink.raw(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    sink.padTo(alignment);
  }
  await writeFile(path, sink.bytes());
}
