/**
 * Composing backend kernels inside a kernel: call another registered kernel of the same
 * backend on `TensorInfo`s (no engine bookkeeping, no gradient tape) and free intermediates
 * with the backend's reference counting, as tfjs's own composite kernels do.
 *
 * @example
 * ```ts
 * // inside a kernelFunc({ inputs, backend, attrs }):
 * // const k = kernels(backend);
 * // const t = k.call("Transpose", { x: inputs.x }, { perm: [3, 1, 2, 0] });
 * // ...; k.free(t);
 * ```
 */
import { tf } from "../../tfjs.js";

type Info = tf.TensorInfo;

/** Attributes shared by `Conv2DBackpropFilter` and `Conv2DBackpropInput`. */
export interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Kernel calls bound to one backend instance. */
export interface KernelCalls {
  call(name: string, inputs: Record<string, Info>, attrs?: Record<string, unknown>): Info;
  free(...infos: Info[]): void;
}

/** Bind kernel calls to `backend` (whose registered name is `backendName`). */
export function kernels(backend: tf.KernelBackend, backendName = "wasm"): KernelCalls {
  return {
    call(name, inputs, attrs = {}) {
      const k = tf.getKernel(name, backendName);
      if (!k) throw new Error(`kernel ${name} is not registered for ${backendName}`);
      const out = k.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
      return Array.isArray(out) ? (out[0] as Info) : out;
    },
    free(...infos) {
      for (const t of infos) backend.disposeData(t.dataId);
    },
  };
}

/** Row-major strides of a shape. */
export function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = (s[i + 1] as number) * (shape[i + 1] as number);
  return s;
}

/** Replace a registered kernel by `make(original)`, which falls back to the original where it must. */
export function replaceKernel(
  name: string,
  backendName: string,
  make: (fallback: tf.KernelFunc) => tf.KernelFunc,
): void {
  const original = tf.getKernel(name, backendName);
  if (!original) return;
  tf.unregisterKernel(name, backendName);
  tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) });
}
