/**
 * The few protobuf encodings an ONNX ModelProto needs (varints, length-delimited fields), so the
 * test suite can build a classifier with no Python or protobuf library. Field numbers: onnx.proto3.
 */
export type Field = [number: number, value: FieldValue];
export type FieldValue =
  | { varint: number | bigint }
  | { bytes: Uint8Array }
  | { string: string }
  | { message: Field[] };

function varint(value: number | bigint): number[] {
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    out.push(byte);
  } while (rest > 0n);
  return out;
}

export function encodeMessage(fields: readonly Field[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const [number, value] of fields) {
    if ('varint' in value) {
      chunks.push(Uint8Array.from([...varint(number << 3), ...varint(value.varint)]));
      continue;
    }
    const payload =
      'bytes' in value
        ? value.bytes
        : 'string' in value
          ? new TextEncoder().encode(value.string)
          : encodeMessage(value.message);
    chunks.push(Uint8Array.from([...varint((number << 3) | 2), ...varint(payload.length)]), payload);
  }
  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
