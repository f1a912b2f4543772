/**
 * A faster `Concat` for the wasm backend. A U-Net's skip connections join two feature maps along
 * the channel axis, so the output is made of short runs (16 to 64 values a pixel) taken from each
 * input in turn. The stock wasm kernel copies each run with a `subarray` and a `set`: a view
 * allocated per run, 51 ms of an 860 ms batch of the bench U-Net (8 x 128² x 32 out) on one
 * thread. Here each run is one `copyWithin` in the wasm heap (inputs and output share it),
 * with no view made per run; runs from {@link SET_RUN} values are copied by `set`, and short runs
 * in separate arrays (the cpu backend) value by value.
 *
 * Strings, and inputs the store cannot view, go to the stock kernel.
 */
import type * as tf from "@tensorflow/tfjs";
import { replaceKernel } from "./kernel-call.js";
import { SET_RUN, storeOf, type Values } from "./store.js";

/**
 * Join `parts` (each `outer` runs of `inner[i]` values) into `out`: for each outer index, run
 * `o` of part 0, then of part 1, and so on.
 */
export function concatInto(parts: readonly Values[], inner: readonly number[], outer: number, out: Values): void {
  const width = inner.reduce((a, b) => a + b, 0);
  let at = 0;
  parts.forEach((x, i) => {
    const run = inner[i] as number;
    if (run >= SET_RUN || outer === 1) {
      for (let o = 0; o < outer; o++) out.set(x.subarray(o * run, (o + 1) * run), o * width + at);
    } else if (x.buffer === out.buffer) {
      // One memory (the wasm heap): each run is a copyWithin over a view of all of it.
      const all = new (out.constructor as new (b: ArrayBufferLike) => Values)(out.buffer);
      const size = out.BYTES_PER_ELEMENT;
      for (let o = 0, s = x.byteOffset / size, d = out.byteOffset / size + at; o < outer; o++, s += run, d += width)
        all.copyWithin(d, s, s + run);
    } else {
      for (let o = 0, s = 0, d = at; o < outer; o++, d += width - run)
        for (let j = 0; j < run; j++) out[d++] = x[s++] as number;
    }
    at += run;
  });
}

/** `Concat` by runs, else `fallback`. */
export function concatWith(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const all = args.inputs as unknown as tf.TensorInfo[];
    const first = all[0];
    if (!first || !Array.isArray(all)) return fallback(args);
    const r = first.shape.length;
    const a = (args.attrs as { axis: number | number[] }).axis;
    const axis0 = Array.isArray(a) ? (a[0] as number) : a;
    const axis = axis0 < 0 ? axis0 + r : axis0;
    const parts = all.filter((t) => t.shape.every((d) => d > 0));
    const store = storeOf(args.backend, first.dtype);
    if (!store || parts.length < 2 || axis < 0 || axis >= r || parts.some((t) => t.dtype !== first.dtype))
      return fallback(args);
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const outer = size(first.shape.slice(0, axis));
    const outShape = [...first.shape];
    outShape[axis] = parts.reduce((n, t) => n + (t.shape[axis] as number), 0);
    const out = store.make(outShape, first.dtype);
    // Views after the allocation: a new output may grow (and move) the wasm heap.
    concatInto(
      parts.map((t) => store.view(t)),
      parts.map((t) => size(t.shape.slice(axis))),
      outer,
      store.view(out),
    );
    return out;
  };
}

let done = false;

/** Install the kernel for wasm, falling back to the stock one (once). */
export function registerConcatKernel(): void {
  if (done) return;
  done = true;
  replaceKernel("Concat", "wasm", concatWith);
}
