/** The `ndvi` model: a normalized difference of two bands. */
import { z } from "zod";
import { TilecastError } from "../../errors.js";
import { tf } from "../../tfjs.js";
import type { ModelDescriptor } from "../registry.js";

const options = z.strictObject({
  /** 0-based index of the near-infrared band. */
  nir: z.unknown(),
  /** 0-based index of the red band. */
  red: z.unknown(),
});

function bandOption(o: Record<string, unknown>, key: string, bands: number): number {
  const v = o[key];
  if (!(typeof v === "number" && Number.isInteger(v) && v >= 0 && v < bands))
    throw new TilecastError("E_ARGUMENT", `model.${key} must be a band index below ${bands}, got ${String(v)}`);
  return v;
}

/**
 * `model: {type: ndvi, nir: 3, red: 2}`: `(nir - red) / (nir + red)`, 0 where the sum is 0.
 *
 * @example
 * ```ts
 * import { createModel } from "tilecast/models";
 * console.log((await createModel({ type: "ndvi", nir: 3, red: 2 }, 4)).bands); // 1
 * ```
 */
export const ndviModel: ModelDescriptor<typeof options> = {
  name: "ndvi",
  summary: "normalized difference (nir - red) / (nir + red) of two bands",
  options,
  async load(o, { inputBands }) {
    const nir = bandOption(o, "nir", inputBands);
    const red = bandOption(o, "red", inputBands);
    return {
      bands: 1,
      predictor: (x) => {
        const a = x.slice([0, 0, 0, nir], [-1, -1, -1, 1]);
        const b = x.slice([0, 0, 0, red], [-1, -1, -1, 1]);
        return tf.divNoNan(a.sub(b), a.add(b));
      },
    };
  },
};
