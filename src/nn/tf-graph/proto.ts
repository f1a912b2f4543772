/**
 * The protobuf wire format, writing only: the handful of field kinds a TensorFlow `SavedModel`
 * needs (varints, length-delimited bytes and messages, packed repeated ints, fixed 32-bit
 * floats). A message is built as a list of already-encoded fields and encoded once, so nested
 * messages need no second pass.
 *
 * Internal (used by `graph-def.ts`); for example:
 * ```ts internal
 * import { Message } from "./proto.js";
 * const m = new Message().varint(1, 150).string(2, "hi");
 * console.log([...m.bytes()]); // [8, 150, 1, 18, 2, 104, 105]
 * ```
 */

/** `v` (a non-negative integer below 2^53, or a negative one as two's complement 64-bit) as a varint. */
function varint(v: number): number[] {
  const out: number[] = [];
  let n = v < 0 ? BigInt.asUintN(64, BigInt(v)) : BigInt(v);
  do {
    const low = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? low | 0x80 : low);
  } while (n > 0n);
  return out;
}

const text = new TextEncoder();

/** One message's fields, in the order written. */
export class Message {
  readonly #parts: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array | number[]): this {
    const b = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    this.#parts.push(b);
    this.#length += b.length;
    return this;
  }

  /** An integer field (int32, int64, enum, bool as 0/1). */
  varint(field: number, v: number): this {
    return this.#push([...varint(field << 3), ...varint(v)]);
  }

  /** A bytes field. */
  bytesField(field: number, b: Uint8Array): this {
    this.#push([...varint((field << 3) | 2), ...varint(b.length)]);
    return this.#push(b);
  }

  /** A string field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytesField(field, text.encode(s));
  }

  /** A nested message field. */
  message(field: number, m: Message): this {
    return this.bytesField(field, m.bytes());
  }

  /** A packed repeated integer field (int64 lists). */
  packed(field: number, values: readonly number[]): this {
    return this.bytesField(field, Uint8Array.from(values.flatMap(varint)));
  }

  /** A float field (fixed 32-bit). */
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.#push(varint((field << 3) | 5));
    return this.#push(b);
  }

  /** A map entry field (`map<string, V>` is a repeated message of key 1 and value 2). */
  entry(field: number, key: string, value: Message): this {
    return this.message(field, new Message().string(1, key).message(2, value));
  }

  /** The encoded message. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
