import { writeFile } from 'node:fs/promises';
import { GgmlType } from 'node-llama-cpp';
import { ggmlByteLength } from './dequantize.js';

/** GGUF metadata values the writer emits, tagged with their GGUF type. */
export type GgufValue =
  | { type: 'string'; value: string }
  | { type: 'f32'; value: number }
  | { type: 'u32'; value: number };

/** A tensor's bytes as ggml lays them out; `shape` is ggml's `ne` (fastest-varying first), so row-major `[rows, cols]` data has shape `[cols, rows]`. */
export interface GgufTensorData {
  name: string;
  shape: number[];
  ggmlType: GgmlType;
  bytes: Uint8Array;
}

export function f32Tensor(name: string, shape: number[], data: Float32Array): GgufTensorData {
  return {
    name,
    shape,
    ggmlType: GgmlType.F32,
    bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** A GGUF key/value section as it sits in a file: `count` entries encoded in `bytes`. */
export interface GgufMetadataSection {
  count: number;
  bytes: Uint8Array;
}

const alignment = 32;
const valueTypes = { u32: 4, f32: 6, string: 8 } as const;

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

/** Encodes `metadata` as a GGUF key/value section. */
export function encodeGgufMetadata(metadata: Record<string, GgufValue>): GgufMetadataSection {
  const sink = new ByteSink();
  for (const [key, entry] of Object.entries(metadata)) {
    sink.string(key);
    sink.u32(valueTypes[entry.type]);
    if (entry.type === 'string') sink.string(entry.value);
    else if (entry.type === 'f32') sink.f32(entry.value);
    else sink.u32(entry.value);
  }
  return { count: Object.keys(metadata).length, bytes: sink.bytes() };
}

/**
 * Writes a GGUF v3 file: the metadata section, then the tensors, each aligned to 32 bytes. A
 * section read from another file (GgufTensorReader.metadataSection) writes a model with that
 * model's metadata, tokenizer included, and new tensors.
 */
export async function writeGguf(
  path: string,
  metadata: Record<string, GgufValue> | GgufMetadataSection,
  tensors: readonly GgufTensorData[],
): Promise<void> {
  const section =
    'bytes' in metadata && metadata.bytes instanceof Uint8Array
      ? (metadata as GgufMetadataSection)
      : encodeGgufMetadata(metadata as Record<string, GgufValue>);
  const sink = new ByteSink();
  sink.raw(new TextEncoder().encode('GGUF'));
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(section.count);
  sink.raw(section.bytes);
  let offset = 0;
  for (const tensor of tensors) {
    const count = tensor.shape.reduce((product, dimension) => product * dimension, 1);
    if (ggmlByteLength(tensor.ggmlType, count) !== tensor.bytes.byteLength)
      throw new Error(
        `${tensor.name}: shape ${tensor.shape.join('x')} does not match its ${tensor.bytes.byteLength} bytes`,
      );
    sink.string(tensor.name);
    sink.u32(tensor.shape.length);
    for (const dimension of tensor.shape) sink.u64(dimension);
    sink.u32(tensor.ggmlType);
    sink.u64(offset);
    offset += Math.ceil(tensor.bytes.byteLength / alignment) * alignment;
  }
  sink.padTo(alignment);
  for (const tensor of tensors) {
    sink.raw(tensor.bytes);
    sink.padTo(alignment);
  }
  await writeFile(path, sink.bytes());
}
