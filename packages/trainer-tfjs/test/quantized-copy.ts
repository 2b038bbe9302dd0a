import { GgmlType } from 'node-llama-cpp';
import { dequantizeTensor, GgufTensorReader } from '../src/gguf/gguf-tensor-reader.js';
import { type GgufTensorData, writeGguf } from '../src/gguf/gguf-writer.js';

/** f32 to IEEE half bits, rounding to nearest (normal range; enough for block scales). */
function floatToHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  if (value === 0 || exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  const mantissa = bits & 0x7fffff;
  const rounded = (exponent << 10) + Math.round(mantissa / 8192);
  return sign | rounded;
}

/** ggml's quantize_row_q8_0_ref: d = max|x| / 127, q = round(x / d). */
function quantizeQ8_0(values: Float32Array): Uint8Array {
  const out = new Uint8Array((values.length / 32) * 34);
  const view = new DataView(out.buffer);
  for (let block = 0; block < values.length / 32; block++) {
    const chunk = values.subarray(block * 32, block * 32 + 32);
    const d = Math.max(...chunk.map(Math.abs)) / 127;
    view.setUint16(block * 34, floatToHalf(d), true);
    for (let j = 0; j < 32; j++)
      view.setInt8(block * 34 + 2 + j, d ? Math.round((chunk[j] as number) / d) : 0);
  }
  return out;
}

/** ggml's quantize_row_q4_0_ref: d = (value of largest magnitude) / -8, q = min(15, trunc(x / d + 8.5)). */
function quantizeQ4_0(values: Float32Array): Uint8Array {
  const out = new Uint8Array((values.length / 32) * 18);
  const view = new DataView(out.buffer);
  for (let block = 0; block < values.length / 32; block++) {
    const chunk = values.subarray(block * 32, block * 32 + 32);
    const max = chunk.reduce((best, value) => (Math.abs(value) > Math.abs(best) ? value : best), 0);
    const d = max / -8;
    const inverse = d ? 1 / d : 0;
    view.setUint16(block * 18, floatToHalf(d), true);
    const q = (value: number) => Math.min(15, Math.trunc(value * inverse + 8.5));
    for (let j = 0; j < 16; j++)
      view.setUint8(block * 18 + 2 + j, q(chunk[j] as number) | (q(chunk[j + 16] as number) << 4));
  }
  return out;
}

const quantizers = { [GgmlType.Q8_0]: quantizeQ8_0, [GgmlType.Q4_0]: quantizeQ4_0 };

/**
 * Writes `source` again with each matrix whose rows are whole 32-value blocks quantized to
 * `type` (others, like stories260K's 172-wide ffn_down, stay as they were), keeping its metadata.
 */
export async function writeQuantizedCopy(
  source: string,
  target: string,
  type: GgmlType.Q8_0 | GgmlType.Q4_0,
) {
  const reader = await GgufTensorReader.open(source);
  const tensors: GgufTensorData[] = [];
  for (const name of reader.tensorNames) {
    const tensor = await reader.read(name);
    const quantizable = tensor.shape.length === 2 && (tensor.shape[0] as number) % 32 === 0;
    tensors.push(
      quantizable
        ? { name, shape: tensor.shape, ggmlType: type, bytes: quantizers[type](dequantizeTensor(tensor)) }
        : { name, shape: tensor.shape, ggmlType: tensor.ggmlType, bytes: tensor.raw },
    );
  }
  await writeGguf(target, await reader.metadataSection(), tensors);
}
