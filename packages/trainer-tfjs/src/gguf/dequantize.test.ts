import { GgmlType } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { dequantize, ggmlByteLength, halfToFloat, UnsupportedGgmlTypeError } from './dequantize.js';

/** f16 bits of a few exactly representable values. */
const half = { one: 0x3c00, half: 0x3800, two: 0x4000, quarter: 0x3400, minusTwo: 0xc000 };

function bytes(...parts: (number[] | Uint8Array)[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

const le16 = (bits: number) => [bits & 0xff, bits >> 8];

describe('halfToFloat', () => {
  it('decodes normals, subnormals, zero, infinity and NaN', () => {
    expect(halfToFloat(half.one)).toBe(1);
    expect(halfToFloat(half.minusTwo)).toBe(-2);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x8000)).toBe(-0);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });
});

describe('dequantize', () => {
  it('reads F32, F16 and BF16 little-endian', () => {
    expect([...dequantize(GgmlType.F32, new Uint8Array(new Float32Array([1.5, -3]).buffer), 2)]).toEqual([
      1.5, -3,
    ]);
    expect([...dequantize(GgmlType.F16, bytes(le16(half.two), le16(half.quarter)), 2)]).toEqual([2, 0.25]);
    // bf16 0x3fc0 is f32 0x3fc00000 = 1.5
    expect([...dequantize(GgmlType.BF16, bytes([0xc0, 0x3f]), 1)]).toEqual([1.5]);
  });

  it('Q8_0: d * q for 32 int8 values per block', () => {
    const q = Array.from({ length: 32 }, (_, i) => i - 16);
    const values = dequantize(
      GgmlType.Q8_0,
      bytes(le16(half.half), new Uint8Array(Int8Array.from(q).buffer)),
      32,
    );
    expect([...values]).toEqual(q.map((v) => v * 0.5));
  });

  it('Q4_0: low nibbles are values 0-15, high nibbles 16-31, offset by 8', () => {
    const packed = Array.from({ length: 16 }, (_, j) => (j & 0x0f) | ((15 - j) << 4));
    const values = dequantize(GgmlType.Q4_0, bytes(le16(half.two), packed), 32);
    const expected = [
      ...Array.from({ length: 16 }, (_, j) => 2 * (j - 8)),
      ...Array.from({ length: 16 }, (_, j) => 2 * (15 - j - 8)),
    ];
    expect([...values]).toEqual(expected);
  });

  it('Q4_K: 6-bit scales and mins, both packing halves of the 12 scale bytes', () => {
    // Pairs 0-3 sit in the low 6 bits of bytes 0-3 (scales) and 4-7 (mins); pairs 4-7 take their
    // low 4 bits from bytes 8-11 and their top 2 bits from the high bits of bytes 0-7.
    const scaleOf = [1, 2, 3, 4, 17, 33, 49, 63];
    const minOf = [5, 6, 7, 8, 18, 34, 50, 62];
    const packedScales = new Uint8Array(12);
    for (let j = 0; j < 4; j++) {
      packedScales[j] = ((scaleOf[j] as number) & 63) | (((scaleOf[j + 4] as number) >> 4) << 6);
      packedScales[j + 4] = ((minOf[j] as number) & 63) | (((minOf[j + 4] as number) >> 4) << 6);
      packedScales[j + 8] = ((scaleOf[j + 4] as number) & 0x0f) | (((minOf[j + 4] as number) & 0x0f) << 4);
    }
    const nibbles = Array.from({ length: 128 }, (_, i) => (i % 16) | ((15 - (i % 16)) << 4));
    const values = dequantize(
      GgmlType.Q4_K,
      bytes(le16(half.half), le16(half.quarter), packedScales, nibbles),
      256,
    );
    for (let chunk = 0; chunk < 4; chunk++)
      for (let l = 0; l < 32; l++) {
        const low = (chunk * 32 + l) % 16;
        expect(values[chunk * 64 + l]).toBe(
          0.5 * (scaleOf[2 * chunk] as number) * low - 0.25 * (minOf[2 * chunk] as number),
        );
        expect(values[chunk * 64 + 32 + l]).toBe(
          0.5 * (scaleOf[2 * chunk + 1] as number) * (15 - low) - 0.25 * (minOf[2 * chunk + 1] as number),
        );
      }
  });

  it('sizes blocks and refuses types it cannot read', () => {
    expect(ggmlByteLength(GgmlType.Q8_0, 64)).toBe(68);
    expect(ggmlByteLength(GgmlType.Q4_K, 512)).toBe(288);
    expect(() => ggmlByteLength(GgmlType.Q4_0, 33)).toThrow(/whole Q4_0 blocks/);
    expect(() => dequantize(GgmlType.Q6_K, new Uint8Array(210), 256)).toThrow(UnsupportedGgmlTypeError);
  });
});
