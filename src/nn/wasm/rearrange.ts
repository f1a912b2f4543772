/**
 * Faster `Transpose`, `Unpack`, `Slice` and `SplitV` for the wasm and cpu backends, as copies of
 * contiguous runs.
 *
 * A recurrent layer stacks and unstacks its time steps along axis 1 of a rank-5 tensor, and
 * transposes between batch-major and time-major: the stock kernels take a per-element path there
 * (`Unpack` slices through a generic index loop past rank 4: 3 s on wasm and 4.4 s on cpu to
 * unstack one 8 x 6 x 64 x 64 x 16 tensor of a ConvLSTM's gradient, most of a training step).
 * These move whole runs instead: axes that stay together are merged, and where the innermost axis
 * stays innermost each output run is one copy of a run of the input. Other cases (the innermost
 * axis moves, runs shorter than {@link MIN_RUN}, strings) go to the stock kernels.
 *
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-wasm";
 * import { registerWasmTrainingKernels } from "tilecast";
 * registerWasmTrainingKernels(); // also installs these kernels for wasm (selectBackend does both)
 * ```
 */
import type * as tf from "@tensorflow/tfjs";
import { replaceKernel, strides } from "./kernel-call.js";
import { SET_RUN, storeOf, type Values } from "./store.js";

/** Runs shorter than this go to the stock kernels (a call per few values costs more than it saves). */
export const MIN_RUN = 16;
/**
 * Copy `count[k]` steps of `step[k]` (source) for each outer axis k, `run` values at a time, into
 * consecutive output positions from `outAt`: the odometer every kernel here shares.
 */
function copyRuns(
  x: Values,
  out: Values,
  count: number[],
  step: number[],
  run: number,
  from: number,
  outAt: number,
): void {
  const n = count.length;
  const idx = new Array<number>(n).fill(0);
  let src = from;
  let dst = outAt;
  const total = count.reduce((a, c) => a * c, 1);
  for (let r = 0; r < total; r++) {
    if (run >= SET_RUN) out.set(x.subarray(src, src + run), dst);
    else for (let j = 0; j < run; j++) out[dst + j] = x[src + j] as number;
    dst += run;
    for (let k = n - 1; k >= 0; k--) {
      src += step[k] as number;
      if (++(idx[k] as number) < (count[k] as number)) break;
      src -= (step[k] as number) * (count[k] as number);
      idx[k] = 0;
    }
  }
}

/**
 * The transpose of `shape` by `perm` as merged axes: `{ shape, perm }` with size-1 axes dropped
 * and axes that stay adjacent merged; rank 1 or less when nothing moves.
 */
export function mergeAxes(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  const keep = perm.filter((a) => (shape[a] as number) !== 1);
  const groups: number[][] = []; // input axes, in output order
  for (const a of keep) {
    const last = groups[groups.length - 1];
    if (last && (last[last.length - 1] as number) + 1 === a) last.push(a);
    else groups.push([a]);
  }
  const byInput = [...groups].sort((p, q) => (p[0] as number) - (q[0] as number));
  return {
    shape: byInput.map((g) => g.reduce((n, a) => n * (shape[a] as number), 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

/** Transpose by runs into `out`; false where the innermost axis moves or runs are short. */
export function transposeInto(x: Values, shape: number[], perm: number[], out: Values): boolean {
  const m = mergeAxes(shape, perm);
  const r = m.shape.length;
  if (r <= 1) {
    out.set(x.subarray(0, out.length));
    return true;
  }
  const run = m.shape[r - 1] as number;
  if (m.perm[r - 1] !== r - 1 || run < MIN_RUN) return false;
  const s = strides(m.shape);
  const outer = m.perm.slice(0, r - 1);
  copyRuns(
    x,
    out,
    outer.map((a) => m.shape[a] as number),
    outer.map((a) => s[a] as number),
    run,
    0,
    0,
  );
  return true;
}

/**
 * A slice's runs: the innermost axes it takes whole merge with the first partial one (axis `k`,
 * -1 when it takes everything) into runs of `run` values; `ok` false where they are short.
 */
export function sliceRuns(shape: number[], size: number[]): { k: number; run: number; ok: boolean } {
  let k = shape.length - 1;
  let run = 1;
  while (k >= 0 && size[k] === shape[k]) run *= shape[k--] as number;
  if (k >= 0) run *= size[k] as number;
  return { k, run, ok: run >= MIN_RUN || k <= 0 };
}

/** Slice `[begin, begin + size)` by runs into `out`; false where runs are short. */
export function sliceInto(x: Values, shape: number[], begin: number[], size: number[], out: Values): boolean {
  const { k, run, ok } = sliceRuns(shape, size);
  if (!ok) return false;
  const s = strides(shape);
  const from = begin.reduce((o, b, i) => o + b * (s[i] as number), 0);
  const outer = Math.max(k, 0);
  copyRuns(x, out, size.slice(0, outer), s.slice(0, outer), run, from, 0);
  return true;
}

/**
 * `Transpose` over merged axes. Where the innermost axis stays innermost in runs of
 * {@link MIN_RUN} or more, by runs, except on wasm up to rank 4: its stock kernel is fast there
 * (and element by element past it), so it gets the merged shape (the same bytes). Any other
 * transpose goes to the stock kernel on the merged shape where that has fewer axes.
 */
export function transposeWith(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const perm = (args.attrs as { perm: number[] }).perm;
    const store = storeOf(args.backend, x.dtype);
    if (!store || x.shape.length < 2) return fallback(args);
    const outShape = perm.map((a) => x.shape[a] as number);
    const m = mergeAxes(x.shape, perm);
    const r = m.shape.length;
    const runs = r > 1 && m.perm[r - 1] === r - 1 && (m.shape[r - 1] as number) >= MIN_RUN;
    if (runs && !(store.stockTranspose && r <= 4)) {
      const out = store.make(outShape, x.dtype);
      transposeInto(store.view(x), x.shape, perm, store.view(out));
      return out;
    }
    if (r < 2 || r >= x.shape.length) return fallback(args);
    const merged = { ...x, shape: m.shape };
    const out = fallback({ ...args, inputs: { x: merged }, attrs: { perm: m.perm } }) as tf.TensorInfo;
    return { ...out, shape: outShape };
  };
}

/** `Slice` by runs, else `fallback`. */
export function sliceWith(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const a = args.attrs as { begin: number | number[]; size: number | number[] };
    const r = x.shape.length;
    const store = storeOf(args.backend, x.dtype);
    if (!store || r === 0) return fallback(args);
    const begin = typeof a.begin === "number" ? [a.begin] : [...a.begin];
    const size = typeof a.size === "number" ? [a.size] : [...a.size];
    while (begin.length < r) begin.push(0);
    for (let i = 0; i < r; i++) {
      const want = size[i] ?? -1;
      size[i] = want < 0 ? (x.shape[i] as number) - (begin[i] as number) : want;
    }
    if (size.some((n) => n === 0) || !sliceRuns(x.shape, size).ok) return fallback(args);
    const out = store.make(size, x.dtype);
    sliceInto(store.view(x), x.shape, begin, size, store.view(out));
    return out;
  };
}

/** `Unpack` as one slice by runs per output, else `fallback`. */
export function unpackWith(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.value as tf.TensorInfo;
    const r = x.shape.length;
    let axis = (args.attrs as { axis: number }).axis;
    if (axis < 0) axis += r;
    const inner = x.shape.slice(axis + 1).reduce((n, d) => n * d, 1);
    const store = storeOf(args.backend, x.dtype);
    if (!store || (inner < MIN_RUN && axis > 0)) return fallback(args);
    const outShape = x.shape.filter((_, i) => i !== axis);
    const n = x.shape[axis] as number;
    const outerCount = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const outs: tf.TensorInfo[] = [];
    for (let i = 0; i < n; i++) {
      const out = store.make(outShape, x.dtype);
      // Views after the allocation: a new output may grow (and move) the wasm heap.
      copyRuns(store.view(x), store.view(out), [outerCount], [n * inner], inner, i * inner, 0);
      outs.push(out);
    }
    return outs;
  };
}

/** `SplitV` as one slice by runs per part, else `fallback`. */
export function splitWith(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const a = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
    const r = x.shape.length;
    const axis = a.axis < 0 ? a.axis + r : a.axis;
    const total = x.shape[axis] as number;
    const sizes =
      typeof a.numOrSizeSplits === "number"
        ? new Array<number>(a.numOrSizeSplits).fill(total / a.numOrSizeSplits)
        : a.numOrSizeSplits.map((s, _, all) =>
            s === -1 ? total - all.reduce((p, q) => p + (q === -1 ? 0 : q), 0) : s,
          );
    const parts = sizes.map((s) => x.shape.map((d, i) => (i === axis ? s : d)));
    const store = storeOf(args.backend, x.dtype);
    if (!store || sizes.some((s) => !Number.isInteger(s) || s <= 0) || parts.some((p) => !sliceRuns(x.shape, p).ok))
      return fallback(args);
    let at = 0;
    return parts.map((size) => {
      const begin = x.shape.map((_, i) => (i === axis ? at : 0));
      at += size[axis] as number;
      const out = store.make(size, x.dtype);
      sliceInto(store.view(x), x.shape, begin, size, store.view(out));
      return out;
    });
  };
}

const KERNELS = [
  ["Transpose", transposeWith],
  ["Slice", sliceWith],
  ["Unpack", unpackWith],
  ["SplitV", splitWith],
] as const;

const done = new Set<string>();

/** Install the four kernels for `backendName` (wasm or cpu), each falling back to the stock one (once). */
export function registerRearrangeKernels(backendName: "wasm" | "cpu"): void {
  if (done.has(backendName)) return;
  done.add(backendName);
  for (const [name, make] of KERNELS) replaceKernel(name, backendName, make);
}
