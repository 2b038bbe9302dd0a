import { describe, expect, it } from 'vitest';
import {
  halfToFloat,
  parseSafetensors,
  SafetensorsFormatError,
  toFloat32,
  toFloat64,
  toInt32,
} from './read-safetensors.js';

/** Builds a safetensors file by hand: header length, JSON header, then the tensors' bytes in order. */
function buildSafetensors(
  tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>,
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    header[name] = {
      dtype: tensor.dtype,
      shape: tensor.shape,
      data_offsets: [offset, offset + tensor.bytes.length],
    };
    offset += tensor.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const file = new Uint8Array(8 + json.length + offset);
  new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
  file.set(json, 8);
  let position = 8 + json.length;
  for (const tensor of Object.values(tensors)) {
    file.set(tensor.bytes, position);
    position += tensor.bytes.length;
  }
  return file;
}

const bytesOf = (array: ArrayBufferView): Uint8Array =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

describe('parseSafetensors', () => {
  it('reads F32, F64, I32, F16 and I8 tensors, whatever the alignment of their bytes', () => {
    // A 3-byte I8 tensor first puts every later tensor at an odd offset.
    const file = buildSafetensors({
      small: { dtype: 'I8', shape: [3], bytes: bytesOf(new Int8Array([-3, 0, 127])) },
      embeddings: { dtype: 'F32', shape: [2, 2], bytes: bytesOf(new Float32Array([1, -2, 0.5, 4])) },
      weights: { dtype: 'F64', shape: [2], bytes: bytesOf(new Float64Array([0.25, 1e-9])) },
      mapping: { dtype: 'I32', shape: [3], bytes: bytesOf(new Int32Array([1, 0, 1])) },
      half: { dtype: 'F16', shape: [3], bytes: bytesOf(new Uint16Array([0x3c00, 0xc000, 0x3555])) },
    });
    const { tensors, metadata } = parseSafetensors(file);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['small', 'embeddings', 'weights', 'mapping', 'half']);
    expect(tensors.get('embeddings')?.shape).toEqual([2, 2]);
    expect([...toFloat32(tensors.get('embeddings')!)]).toEqual([1, -2, 0.5, 4]);
    expect([...toFloat64(tensors.get('weights')!)]).toEqual([0.25, 1e-9]);
    expect([...toInt32(tensors.get('mapping')!)]).toEqual([1, 0, 1]);
    expect([...toFloat32(tensors.get('small')!)]).toEqual([-3, 0, 127]);
    const half = toFloat32(tensors.get('half')!);
    expect(half[0]).toBe(1);
    expect(half[1]).toBe(-2);
    expect(half[2]).toBeCloseTo(1 / 3, 3);
  });

  it('decodes half precision edge values', () => {
    expect(halfToFloat(0x0000)).toBe(0);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(halfToFloat(0x0001)).toBeCloseTo(5.96e-8, 10);
    expect(halfToFloat(0x7bff)).toBe(65504);
  });

  it('rejects a header length past the end of the file', () => {
    const file = new Uint8Array(16);
    new DataView(file.buffer).setBigUint64(0, 1000n, true);
    expect(() => parseSafetensors(file, 'x.safetensors')).toThrow(SafetensorsFormatError);
    expect(() => parseSafetensors(file, 'x.safetensors')).toThrow(
      /header claims 1000 bytes but only 8 follow/,
    );
  });

  it('rejects a tensor whose byte span does not match its shape, naming the tensor', () => {
    const file = buildSafetensors({ embeddings: { dtype: 'F32', shape: [2, 3], bytes: new Uint8Array(16) } });
    expect(() => parseSafetensors(file, 'model.safetensors')).toThrow(
      "model.safetensors is not a valid safetensors file: tensor 'embeddings' (F32 [2,3]) needs 24 bytes but spans 16.",
    );
  });

  it('rejects an unknown dtype and a non-JSON header', () => {
    const file = buildSafetensors({ t: { dtype: 'C64', shape: [1], bytes: new Uint8Array(8) } });
    expect(() => parseSafetensors(file)).toThrow(/tensor 't' has dtype "C64"; supported: F64, F32/);
    const broken = new Uint8Array(12);
    new DataView(broken.buffer).setBigUint64(0, 4n, true);
    broken.set(new TextEncoder().encode('{nop'), 8);
    expect(() => parseSafetensors(broken)).toThrow(/header is not JSON/);
  });

  it('refuses to read floats as indices', () => {
    const file = buildSafetensors({ mapping: { dtype: 'F32', shape: [1], bytes: new Uint8Array(4) } });
    expect(() => toInt32(parseSafetensors(file).tensors.get('mapping')!)).toThrow(/must hold integers/);
  });
});
