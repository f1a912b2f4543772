/**
 * How a pipeline's tiles meet an architecture's network: batches `[k, h, w, bands]` become its
 * input (sequence models take `[k, T, h, w, c]`, the frames carried as bands, frame-major) and its
 * output becomes tiles again; windows must divide by the network's pooling factor.
 *
 * Internal (used by the architecture descriptors).
 */
import { TilecastError } from "../../errors.js";
import type { tf } from "../../tfjs.js";

function poolFactor(model: tf.LayersModel): number {
  return 2 ** model.layers.filter((l) => l.getClassName() === "MaxPooling2D").length;
}

/**
 * How tiles `[k, h, w, bands]` become the network's input and its output becomes tiles again:
 * sequence models take `[k, T, h, w, c]` with the frames as bands, frame-major.
 */
export function tileAdapter(name: string, model: tf.LayersModel, frames: number, sequence: boolean) {
  const out = model.outputs[0]?.shape ?? [];
  const outBands = (out[out.length - 1] as number) * (sequence ? (out[1] as number) : 1);
  const m = sequence ? 1 : poolFactor(model);
  /** Refuse windows the network's pooling does not divide. */
  const checkWindow = (h: number, w: number) => {
    if (h % m !== 0 || w % m !== 0)
      throw new TilecastError(
        "E_ARGUMENT",
        `${name}: tile windows of ${h}x${w} are not divisible by ${m}; choose tileSize + 2·overlap divisible by ${m}`,
      );
  };
  return {
    outBands,
    checkWindow,
    toInput(x: tf.Tensor4D): tf.Tensor {
      const [k, h, w, c] = x.shape;
      checkWindow(h, w);
      return sequence ? x.reshape([k, h, w, frames, c / frames]).transpose([0, 3, 1, 2, 4]) : x;
    },
    toTiles(y: tf.Tensor): tf.Tensor4D {
      if (!sequence) return y as tf.Tensor4D;
      const [k, , h, w] = y.shape as number[];
      return y.transpose([0, 2, 3, 1, 4]).reshape([k as number, h as number, w as number, outBands]);
    },
  };
}
