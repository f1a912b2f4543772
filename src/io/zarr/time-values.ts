/**
 * A CF time coordinate's stored values, as exact as they are stored. tilecast reads int64
 * arrays as float64, and a time in nanoseconds since 1970 (xarray's encoding of times with
 * sub-second parts) is past 2^53: read that way, 2023-11-14T22:23:20.457 decoded as .456. Here
 * an int64 or uint64 time is read as bigints, which cf-time.ts decodes exactly; a packed one
 * (scale_factor, add_offset) or any other type reads as {@link readPositions} reads it.
 *
 * Internal (used by variables.ts and inspect.ts).
 */
import * as zarr from "zarrita";
import type { ZarrArrayInfo } from "./dataset.js";
import { boundedQueue } from "./get-queue.js";
import { type AxisSelection, readPositions } from "./read.js";

type Wide = { data: BigInt64Array | BigUint64Array; shape: number[]; stride: number[] };

/** The values of a selection of a time coordinate: bigints for int64 and uint64, else numbers. */
export async function readTimeValues(
  info: ZarrArrayInfo,
  sel: readonly AxisSelection[],
  where: string,
): Promise<ArrayLike<number | bigint>> {
  const packed = info.attrs.scale_factor !== undefined || info.attrs.add_offset !== undefined;
  if ((info.dtype !== "int64" && info.dtype !== "uint64") || packed) return readPositions(info, sel, where);
  const selection = sel.map((s) => (typeof s === "number" ? s : zarr.slice(s[0], s[1])));
  let r: Wide | bigint;
  try {
    r = (await zarr.get(info.array, selection, { createQueue: () => boundedQueue() })) as Wide | bigint;
  } catch {
    return readPositions(info, sel, where); // it fails too, naming the chunk and the problem
  }
  if (typeof r === "bigint") return [r];
  return cOrder(r);
}

/** The values of a strided bigint array in C order. */
function cOrder({ data, shape, stride }: Wide): bigint[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Array<bigint>(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += (idx[d] as number) * (stride[d] as number);
    out[i] = data[off] as bigint;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (shape[d] as number)) break;
      idx[d] = 0;
    }
  }
  return out;
}
