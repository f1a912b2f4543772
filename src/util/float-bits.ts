/**
 * float32 cells as their bit patterns, for copies that must keep every value exactly. A float32
 * value copied through JavaScript is widened to a double on the way, and x86's conversion sets a
 * signalling NaN's quiet bit: the payload that GDAL's byte copies keep would change (half floats
 * widened to float32 keep theirs the same way). A Uint32Array over the same memory copies the
 * bits, as fast. float64 values are moved as they are stored, and integers have no NaN.
 */

/** `a` as a Uint32Array over the same memory when it is a Float32Array; otherwise `a`. */
export function bitsOf<T extends object>(a: T): T {
  return (a instanceof Float32Array ? new Uint32Array(a.buffer, a.byteOffset, a.length) : a) as T;
}

/**
 * `from` and `to` as their bits when both are float32 (a copy between them may then move bits);
 * otherwise as they are (a copy converts values).
 */
export function bitsOfBoth<A extends object, B extends object>(from: A, to: B): [A, B] {
  return from instanceof Float32Array && to instanceof Float32Array ? [bitsOf(from), bitsOf(to)] : [from, to];
}

/** The float32 bit pattern of `x` (rounded to float32). */
export function float32Bits(x: number): number {
  const f = new Float32Array([x]);
  return new Uint32Array(f.buffer)[0] as number;
}
