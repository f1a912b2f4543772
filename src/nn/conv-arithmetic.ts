/**
 * Convolution arithmetic, as the lectures define it (cs231n; Bishop ch. 10).
 *
 * - Output size: `O = floor((W − F_eff + 2P) / S) + 1`, with the dilated kernel extent
 *   `F_eff = D·(F − 1) + 1`. "valid" means `P = 0`; "same" means `O = ceil(W / S)`, with the
 *   total padding `max((O − 1)·S + F_eff − W, 0)` split as TensorFlow does (the extra pixel
 *   after). Example: W = 7, F = 3, P = 0, S = 1 gives 5; S = 2 gives 3.
 * - Parameters of a convolution: `(F·F·Cin + 1)·Cout` (weights plus one bias per filter);
 *   pooling has none. Example: 5×5 filters on 3 channels, 6 filters: (75 + 1)·6 = 456.
 * - Receptive field, layer by layer: with `j` the distance in input pixels between adjacent
 *   outputs (the "jump") and `r` the receptive field, a layer of kernel `F`, dilation `D`,
 *   stride `S` gives `r' = r + (F_eff − 1)·j` and `j' = j·S`. Two 3×3 convolutions see 5×5;
 *   a 2×2 pool then a 3×3 convolution see 2 + 2·2 = 6.
 *
 * @example
 * ```ts
 * import { convOutputSize, convParams, receptiveField } from "tilecast";
 * convOutputSize(7, 3, { stride: 2 }); // 3
 * convParams(5, 3, 6); // 456
 * receptiveField([{ kernel: 3 }, { kernel: 3 }]).size; // 5
 * ```
 */
import { TilecastError } from "../errors.js";

/** Padding of a convolution: a mode or an explicit count per side. */
export type ConvPadding = "valid" | "same" | number;

/** Options of {@link convOutputSize}. */
export interface ConvGeometry {
  stride?: number;
  padding?: ConvPadding;
  dilation?: number;
}

function positiveInt(name: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 1))
    throw new TilecastError("E_ARGUMENT", `${name} must be a positive integer, got ${v}`);
  return v;
}

/** Dilated kernel extent `D·(F − 1) + 1`. */
export function effectiveKernel(kernel: number, dilation = 1): number {
  return positiveInt("dilation", dilation) * (positiveInt("kernel", kernel) - 1) + 1;
}

/** Output length along one axis; see the module documentation. */
export function convOutputSize(input: number, kernel: number, o: ConvGeometry = {}): number {
  const s = positiveInt("stride", o.stride ?? 1);
  const fe = effectiveKernel(kernel, o.dilation ?? 1);
  const p = o.padding ?? "valid";
  if (p === "same") return Math.ceil(input / s);
  const pad = p === "valid" ? 0 : p;
  const out = Math.floor((input - fe + 2 * pad) / s) + 1;
  if (out < 1) throw new TilecastError("E_ARGUMENT", `kernel ${fe} does not fit in ${input} + 2·${pad}`);
  return out;
}

/** Padding before and after for TensorFlow's "same": total `max((O − 1)·S + F_eff − W, 0)`. */
export function samePadding(input: number, kernel: number, stride = 1, dilation = 1): [number, number] {
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + effectiveKernel(kernel, dilation) - input, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Parameters of a square convolution with bias: `(F·F·Cin + 1)·Cout`. */
export function convParams(kernel: number, inChannels: number, outChannels: number, bias = true): number {
  return (kernel * kernel * inChannels + (bias ? 1 : 0)) * outChannels;
}

/** One layer for {@link receptiveField}. */
export interface RfLayer {
  kernel: number;
  stride?: number;
  dilation?: number;
}

/** Receptive field `size` and `jump` (input pixels between adjacent outputs) after `layers`. */
export function receptiveField(layers: readonly RfLayer[]): { size: number; jump: number } {
  let size = 1;
  let jump = 1;
  for (const l of layers) {
    size += (effectiveKernel(l.kernel, l.dilation ?? 1) - 1) * jump;
    jump *= positiveInt("stride", l.stride ?? 1);
  }
  return { size, jump };
}
