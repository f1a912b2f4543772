/**
 * A faster `Tile` for the wasm backend. Batch-norm gradients tile per-channel vectors to the
 * full activation shape several times per layer, and the stock kernel computes every output
 * index; here the input is placed once and each axis is then filled by doubling block copies
 * (`copyWithin`, a memmove), from the innermost axis out:
 *
 *   for axis d (last to first), at each outer position: the block of `s[d]·Π_{i>d} o[i]`
 *   values is repeated `reps[d]` times, in ⌈log2 reps[d]⌉ copies.
 *
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-wasm";
 * import { registerWasmTrainingKernels } from "tilecast";
 * registerWasmTrainingKernels(); // also installs this kernel
 * ```
 */
import type * as tf from "@tensorflow/tfjs";
import { strides } from "./kernel-call.js";

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Visit the offsets `Σ idx[i]·stride[i]` for all `idx < extent` over the first `n` axes. */
function eachOffset(extent: number[], stride: number[], n: number, visit: (offset: number) => void): void {
  const walk = (axis: number, base: number) => {
    if (axis === n) return visit(base);
    for (let i = 0; i < (extent[axis] as number); i++) walk(axis + 1, base + i * (stride[axis] as number));
  };
  walk(0, 0);
}

/** Tile `src` (shape `shape`) by `reps` into `out` (shape `shape·reps`). */
export function tileInto(
  src: ArrayLike<number>,
  shape: number[],
  reps: number[],
  out: Float32Array | Int32Array | Uint8Array,
): void {
  const r = shape.length;
  const outShape = shape.map((s, i) => s * (reps[i] as number));
  const os = strides(outShape);
  const xs = strides(shape);
  const run = shape[r - 1] as number;
  const x = src as Float32Array;
  eachOffset(shape, os, r - 1, (o) => {
    let xo = 0;
    let rem = o;
    for (let i = 0; i < r - 1; i++) {
      const idx = Math.floor(rem / (os[i] as number));
      rem -= idx * (os[i] as number);
      xo += idx * (xs[i] as number);
    }
    out.set(x.subarray(xo, xo + run), o);
  });
  for (let d = r - 1; d >= 0; d--) {
    const p = reps[d] as number;
    if (p === 1) continue;
    const block = (shape[d] as number) * (os[d] as number);
    const total = block * p;
    eachOffset(shape, os, d, (base) => {
      let filled = block;
      while (filled < total) {
        const n = Math.min(filled, total - filled);
        out.copyWithin(base + filled, base, base + n);
        filled += n;
      }
    });
  }
}

/** Build the kernel function; strings and scalars go to `fallback`. */
export function tileWith(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const reps = (args.attrs as { reps: number[] }).reps;
    if (x.dtype === "string" || x.shape.length === 0) return fallback(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const out = backend.makeOutput(
      x.shape.map((s, i) => s * (reps[i] as number)),
      x.dtype,
    );
    tileInto(backend.typedArrayFromHeap(x), x.shape, reps, backend.typedArrayFromHeap(out));
    return out;
  };
}
