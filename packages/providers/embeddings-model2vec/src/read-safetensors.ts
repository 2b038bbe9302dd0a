/** The element types a safetensors file may hold that this reader decodes. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8';

/** One tensor of a safetensors file: its element type, its shape and its raw little-endian bytes. */
export interface SafetensorsTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** A copy of the tensor's bytes, starting at offset 0 of its own buffer (so typed views are aligned). */
  bytes: ArrayBuffer;
}

export interface SafetensorsFile {
  tensors: ReadonlyMap<string, SafetensorsTensor>;
  metadata: Readonly<Record<string, string>>;
}

const bytesPerElement: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
};

/** Thrown when a file is not a well-formed safetensors file; the message names the file and the fault. */
export class SafetensorsFormatError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a valid safetensors file: ${reason}.`);
    this.name = 'SafetensorsFormatError';
  }
}

/**
 * Parses the safetensors layout: an 8-byte little-endian header length, a JSON header mapping each
 * tensor name to `{ dtype, shape, data_offsets: [begin, end] }` (offsets relative to the end of the
 * header), then the tensor bytes. Every offset and size is checked before any byte is read.
 */
export function parseSafetensors(buffer: Uint8Array, source = 'safetensors buffer'): SafetensorsFile {
  if (buffer.byteLength < 8)
    throw new SafetensorsFormatError(source, `it is ${buffer.byteLength} bytes long`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > buffer.byteLength - 8) {
    throw new SafetensorsFormatError(
      source,
      `its header claims ${headerLength} bytes but only ${buffer.byteLength - 8} follow the length field`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(buffer.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new SafetensorsFormatError(source, `its header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsFormatError(source, 'its header is not a JSON object');
  }

  const dataStart = 8 + headerLength;
  const dataLength = buffer.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in bytesPerElement)) {
      throw new SafetensorsFormatError(
        source,
        `tensor '${name}' has dtype ${JSON.stringify(dtype)}; supported: ${Object.keys(bytesPerElement).join(', ')}`,
      );
    }
    if (!Array.isArray(shape) || !shape.every((size) => Number.isInteger(size) && size >= 0)) {
      throw new SafetensorsFormatError(source, `tensor '${name}' has shape ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isInteger)) {
      throw new SafetensorsFormatError(
        source,
        `tensor '${name}' has data_offsets ${JSON.stringify(offsets)}`,
      );
    }
    const [begin, end] = offsets as [number, number];
    const typed = dtype as SafetensorsDtype;
    const expected =
      (shape as number[]).reduce((product, size) => product * size, 1) * bytesPerElement[typed];
    if (begin < 0 || end < begin || end > dataLength) {
      throw new SafetensorsFormatError(
        source,
        `tensor '${name}' spans bytes ${begin}..${end} but the data section is ${dataLength} bytes`,
      );
    }
    if (end - begin !== expected) {
      throw new SafetensorsFormatError(
        source,
        `tensor '${name}' (${typed} ${JSON.stringify(shape)}) needs ${expected} bytes but spans ${end - begin}`,
      );
    }
    const absolute = buffer.byteOffset + dataStart + begin;
    tensors.set(name, {
      name,
      dtype: typed,
      shape: shape as number[],
      bytes: buffer.buffer.slice(absolute, absolute + expected) as ArrayBuffer,
    });
  }
  return { tensors, metadata };
}

/** The tensor's values as float32, whatever floating or integer type it is stored in. */
export function toFloat32(tensor: SafetensorsTensor): Float32Array {
  switch (tensor.dtype) {
    case 'F32':
      return new Float32Array(tensor.bytes);
    case 'F64':
      return Float32Array.from(new Float64Array(tensor.bytes));
    case 'F16':
      return Float32Array.from(new Uint16Array(tensor.bytes), halfToFloat);
    case 'BF16': {
      const halves = new Uint16Array(tensor.bytes);
      const words = new Uint32Array(halves.length);
      for (let index = 0; index < halves.length; index++) words[index] = halves[index]! << 16;
      return new Float32Array(words.buffer);
    }
    case 'I8':
      return Float32Array.from(new Int8Array(tensor.bytes));
    case 'U8':
      return Float32Array.from(new Uint8Array(tensor.bytes));
    case 'I16':
      return Float32Array.from(new Int16Array(tensor.bytes));
    case 'I32':
      return Float32Array.from(new Int32Array(tensor.bytes));
    case 'I64':
      return Float32Array.from(new BigInt64Array(tensor.bytes), Number);
  }
}

/** The tensor's values as float64 (per-token weights are stored as F64 and keep their precision). */
export function toFloat64(tensor: SafetensorsTensor): Float64Array {
  if (tensor.dtype === 'F64') return new Float64Array(tensor.bytes);
  return Float64Array.from(toFloat32(tensor));
}

/** The tensor's values as int32 indices; integer tensors only. */
export function toInt32(tensor: SafetensorsTensor): Int32Array {
  switch (tensor.dtype) {
    case 'I32':
      return new Int32Array(tensor.bytes);
    case 'I64':
      return Int32Array.from(new BigInt64Array(tensor.bytes), Number);
    case 'I16':
      return Int32Array.from(new Int16Array(tensor.bytes));
    case 'I8':
      return Int32Array.from(new Int8Array(tensor.bytes));
    case 'U8':
      return Int32Array.from(new Uint8Array(tensor.bytes));
    default:
      throw new TypeError(`tensor '${tensor.name}' is ${tensor.dtype}; an index tensor must hold integers`);
  }
}

/** IEEE 754 half precision to a JavaScript number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x03ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
