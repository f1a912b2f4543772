/**
 * Longitude-periodic padding: on a global lat/lon grid the columns west of longitude 0 are the
 * easternmost columns, so a convolution near the antimeridian should see them, not zeros. This
 * pads x (longitude, axis 2 of NHWC) circularly and y (latitude) with zeros or by reflection,
 * as WeatherBench's periodic convolution does. Padding by `(k - 1) / 2` and then a "valid"
 * convolution of odd kernel size `k` keeps the grid size and makes the layer exactly
 * equivariant to rolls along longitude.
 *
 * `PeriodicPadding2D` is a serializable tfjs layer (registered with tfjs serialization under the
 * `tilecast` package; `model.json` names it `PeriodicPadding2D`),
 * so models that use it save and load like any other.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { periodicPad } from "tilecast";
 * const x = tf.tensor4d([1, 2, 3, 4], [1, 1, 4, 1]);
 * console.log(Array.from(periodicPad(x, [1, 1]).dataSync())); // [0,0,0,0,0,0, 4,1,2,3,4,1, 0,0,0,0,0,0]
 * ```
 */

import { z } from "zod";
import { TilecastError } from "../errors.js";
import { tf } from "../tfjs.js";
import { periodicPadGrad } from "./periodic-padding-grad.js";

/** How latitude (y) is padded. */
export const latitudePadding = z.enum(["zero", "reflect"]);

/** How the poles are padded: zeros, or reflected latitude rows. */
export type LatitudePadding = z.infer<typeof latitudePadding>;

/**
 * Pad an NHWC tensor by `[py, px]`: circular along x, `latitude` along y.
 * Requires `px <= width` (and `py < height` for reflect).
 */
export function periodicPad(
  x: tf.Tensor4D,
  [py, px]: [number, number],
  latitude: LatitudePadding = "zero",
): tf.Tensor4D {
  const w = x.shape[2];
  if (px > w) throw new TilecastError("E_ARGUMENT", `periodic padding ${px} exceeds the width ${w}`);
  if (py === 0 && px === 0) return x;
  // The gradient from shapes alone (periodic-padding-grad.ts): nothing of the forward pass is kept.
  const shape = x.shape;
  return tf.customGrad((t) => ({
    value: padCopy(t as tf.Tensor4D, [py, px], latitude),
    gradFunc: (dy) => periodicPadGrad(dy as tf.Tensor4D, shape, [py, px], latitude),
  }))(x) as tf.Tensor4D;
}

/** The padded copy of `x` ({@link periodicPad} without its gradient). */
function padCopy(x: tf.Tensor4D, [py, px]: [number, number], latitude: LatitudePadding): tf.Tensor4D {
  return tf.tidy(() => {
    const w = x.shape[2];
    let y = x;
    if (px > 0) {
      const west = x.slice([0, 0, w - px, 0], [-1, -1, px, -1]);
      const east = x.slice([0, 0, 0, 0], [-1, -1, px, -1]);
      y = tf.concat([west, x, east], 2);
    }
    if (py > 0) {
      const pad: [number, number][] = [
        [0, 0],
        [py, py],
        [0, 0],
        [0, 0],
      ];
      y = latitude === "reflect" ? tf.mirrorPad(y, pad, "reflect") : tf.pad(y, pad);
    }
    return y;
  });
}

/** Arguments of {@link PeriodicPadding2D}. */
export interface PeriodicPadding2DArgs {
  /** `p` for both axes, or `[py, px]`. */
  padding: number | [number, number];
  /** y padding mode. Default `"zero"`. */
  latitude?: LatitudePadding;
  name?: string;
  inputShape?: (number | null)[];
}

/** Circular-in-x, zero- or reflect-in-y padding layer (a serializable tfjs layer; maths in {@link periodicPad}). */
export class PeriodicPadding2D extends tf.layers.Layer {
  static className = "PeriodicPadding2D";
  readonly padding: [number, number];
  readonly latitude: LatitudePadding;

  constructor(args: PeriodicPadding2DArgs) {
    super(args);
    const p = args.padding;
    this.padding = typeof p === "number" ? [p, p] : [p[0], p[1]];
    this.latitude = args.latitude ?? "zero";
    if (!this.padding.every((v) => Number.isInteger(v) && v >= 0))
      throw new TilecastError(
        "E_ARGUMENT",
        `PeriodicPadding2D: padding must be non-negative integers, got ${String(p)}`,
      );
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [py, px] = this.padding;
    const grow = (v: number | null, p: number) => (v == null ? null : v + 2 * p);
    return [s[0] ?? null, grow(s[1] ?? null, py), grow(s[2] ?? null, px), s[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return periodicPad(x, this.padding, this.latitude);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: [...this.padding], latitude: this.latitude };
  }
}
tf.serialization.registerClass(PeriodicPadding2D, "tilecast");
