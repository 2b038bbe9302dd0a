import { GgmlType } from 'node-llama-cpp';

/** How ggml packs a type: `blockSize` values in `blockBytes` bytes. */
interface GgmlBlockLayout {
  blockSize: number;
  blockBytes: number;
}

const layouts: Partial<Record<GgmlType, GgmlBlockLayout>> = {
  [GgmlType.F32]: { blockSize: 1, blockBytes: 4 },
  [GgmlType.F16]: { blockSize: 1, blockBytes: 2 },
  [GgmlType.BF16]: { blockSize: 1, blockBytes: 2 },
  [GgmlType.Q8_0]: { blockSize: 32, blockBytes: 34 },
  [GgmlType.Q4_0]: { blockSize: 32, blockBytes: 18 },
  [GgmlType.Q4_K]: { blockSize: 256, blockBytes: 144 },
};

export class UnsupportedGgmlTypeError extends Error {
  override name = 'UnsupportedGgmlTypeError';
  constructor(readonly ggmlType: GgmlType) {
    super(
      `the trainer cannot read ggml type ${GgmlType[ggmlType] ?? ggmlType}; it reads ${supportedGgmlTypeNames().join(', ')}`,
    );
  }
}

export function supportedGgmlTypeNames(): string[] {
  return Object.keys(layouts).map((type) => GgmlType[Number(type)] as string);
}

/** Bytes that `count` values of `type` take in a GGUF file. */
export function ggmlByteLength(type: GgmlType, count: number): number {
  const layout = layouts[type];
  if (!layout) throw new UnsupportedGgmlTypeError(type);
  if (count % layout.blockSize !== 0)
    throw new Error(`${count} values are not whole ${GgmlType[type]} blocks of ${layout.blockSize}`);
  return (count / layout.blockSize) * layout.blockBytes;
}

/** IEEE 754 half precision to a number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Unpacks `count` values of `type` from `bytes` (laid out as ggml writes them) to f32. */
export function dequantize(type: GgmlType, bytes: Uint8Array, count: number): Float32Array {
  const expected = ggmlByteLength(type, count);
  if (bytes.byteLength < expected)
    throw new Error(`${GgmlType[type]}: ${count} values need ${expected} bytes, got ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, expected);
  const out = new Float32Array(count);
  switch (type) {
    case GgmlType.F32:
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case GgmlType.F16:
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case GgmlType.BF16: {
      // bf16 is the top half of an f32: shift its bits into place through a shared buffer.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
    case GgmlType.Q8_0:
      dequantizeQ8_0(view, out);
      break;
    case GgmlType.Q4_0:
      dequantizeQ4_0(view, out);
      break;
    case GgmlType.Q4_K:
      dequantizeQ4K(view, out);
      break;
    default:
      throw new UnsupportedGgmlTypeError(type);
  }
  return out;
}

/** Q8_0: per 32 values, an f16 scale `d` then 32 int8 `q`; value = d * q. */
function dequantizeQ8_0(view: DataView, out: Float32Array): void {
  for (let block = 0; block < out.length / 32; block++) {
    const at = block * 34;
    const d = halfToFloat(view.getUint16(at, true));
    for (let j = 0; j < 32; j++) out[block * 32 + j] = d * view.getInt8(at + 2 + j);
  }
}

/** Q4_0: per 32 values, an f16 scale `d` then 16 bytes; low nibbles are values 0-15, high nibbles 16-31; value = d * (q - 8). */
function dequantizeQ4_0(view: DataView, out: Float32Array): void {
  for (let block = 0; block < out.length / 32; block++) {
    const at = block * 18;
    const d = halfToFloat(view.getUint16(at, true));
    for (let j = 0; j < 16; j++) {
      const packed = view.getUint8(at + 2 + j);
      out[block * 32 + j] = d * ((packed & 0x0f) - 8);
      out[block * 32 + j + 16] = d * ((packed >> 4) - 8);
    }
  }
}

/**
 * Q4_K: per 256 values, f16 `d` and `dmin`, 12 bytes of eight 6-bit (scale, min) pairs, then 128
 * bytes of nibbles. Each 64 values use two pairs: the low nibbles of 32 bytes with the first, their
 * high nibbles with the second; value = d * scale * q - dmin * min (ggml's dequantize_row_q4_K).
 */
function dequantizeQ4K(view: DataView, out: Float32Array): void {
  const scales = new Uint8Array(12);
  for (let block = 0; block < out.length / 256; block++) {
    const at = block * 144;
    const d = halfToFloat(view.getUint16(at, true));
    const dmin = halfToFloat(view.getUint16(at + 2, true));
    for (let i = 0; i < 12; i++) scales[i] = view.getUint8(at + 4 + i);
    for (let chunk = 0; chunk < 4; chunk++) {
      const [scaleLow, minLow] = q4KScaleMin(2 * chunk, scales);
      const [scaleHigh, minHigh] = q4KScaleMin(2 * chunk + 1, scales);
      for (let l = 0; l < 32; l++) {
        const packed = view.getUint8(at + 16 + chunk * 32 + l);
        const base = block * 256 + chunk * 64;
        out[base + l] = d * scaleLow * (packed & 0x0f) - dmin * minLow;
        out[base + 32 + l] = d * scaleHigh * (packed >> 4) - dmin * minHigh;
      }
    }
  }
}

/** ggml's get_scale_min_k4: the j-th 6-bit scale and min packed in 12 bytes. */
function q4KScaleMin(j: number, q: Uint8Array): [number, number] {
  if (j < 4) return [(q[j] as number) & 63, (q[j + 4] as number) & 63];
  const scale = ((q[j + 4] as number) & 0x0f) | (((q[j - 4] as number) >> 6) << 4);
  const min = ((q[j + 4] as number) >> 4) | (((q[j] as number) >> 6) << 4);
  return [scale, min];
}
