import { open } from 'node:fs/promises';
import { GgmlType, type GgufFileInfo, type GgufTensorInfo, readGgufFileInfo } from 'node-llama-cpp';
import { dequantize, ggmlByteLength } from './dequantize.js';
import type { GgufMetadataSection } from './gguf-writer.js';

/** A tensor as ggml lays it out: `shape` is ggml's `ne`, fastest-varying dimension first. */
export interface GgufTensor {
  name: string;
  ggmlType: GgmlType;
  shape: number[];
  /** The file's bytes, still quantized: what a QLoRA base keeps in memory. */
  raw: Uint8Array;
}

/** Reads a GGUF file's metadata (through node-llama-cpp's parser) and its tensors' raw bytes. */
export class GgufTensorReader {
  readonly #path: string;
  readonly info: GgufFileInfo;
  readonly #tensors: Map<string, GgufTensorInfo>;

  private constructor(path: string, info: GgufFileInfo) {
    this.#path = path;
    this.info = info;
    this.#tensors = new Map((info.fullTensorInfo ?? []).map((tensor) => [tensor.name, tensor]));
  }

  static async open(path: string): Promise<GgufTensorReader> {
    const info = await readGgufFileInfo(path, { logWarnings: false });
    if (info.splicedParts > 1) throw new Error(`${path}: split GGUF files are not supported by the trainer`);
    return new GgufTensorReader(path, info);
  }

  has(name: string): boolean {
    return this.#tensors.has(name);
  }

  get tensorNames(): string[] {
    return [...this.#tensors.keys()];
  }

  /** The file's key/value section as it is, to write a model GGUF with the same metadata. */
  async metadataSection(): Promise<GgufMetadataSection> {
    const headerBytes = 24;
    const bytes = new Uint8Array(this.info.metadataSize);
    const file = await open(this.#path, 'r');
    try {
      await file.read(bytes, 0, bytes.byteLength, 0);
    } finally {
      await file.close();
    }
    const count = Number(new DataView(bytes.buffer).getBigUint64(16, true));
    return { count, bytes: bytes.subarray(headerBytes) };
  }

  async read(name: string): Promise<GgufTensor> {
    const tensor = this.#tensors.get(name);
    if (!tensor) throw new Error(`${this.#path} has no tensor ${name}`);
    const shape = tensor.dimensions.map(Number);
    const count = shape.reduce((product, dimension) => product * dimension, 1);
    const raw = new Uint8Array(ggmlByteLength(tensor.ggmlType, count));
    const file = await open(this.#path, 'r');
    try {
      const { bytesRead } = await file.read(raw, 0, raw.byteLength, Number(tensor.fileOffset));
      if (bytesRead !== raw.byteLength) throw new Error(`${this.#path}: tensor ${name} is truncated`);
    } finally {
      await file.close();
    }
    return { name, ggmlType: tensor.ggmlType, shape, raw };
  }

  /** The tensor's values as f32, in ggml order. */
  async readFloat32(name: string): Promise<{ shape: number[]; values: Float32Array }> {
    const tensor = await this.read(name);
    return { shape: tensor.shape, values: dequantizeTensor(tensor) };
  }
}

export function dequantizeTensor(tensor: GgufTensor): Float32Array {
  return dequantize(
    tensor.ggmlType,
    tensor.raw,
    tensor.shape.reduce((product, dimension) => product * dimension, 1),
  );
}

export { GgmlType };
