/**
 * `normalize(stats)`: per-band scaling of tile pixels to float32 for a model, after the
 * band's value transform (`log1p` for precipitation):
 *   zscore: (t(v) - mean) / std        minmax: (t(v) - min) / (max - min)
 * A constant band (std or range 0) is only shifted. Invalid cells (nodata or masked) become 0
 * and are recorded in the tile's mask, so later stages still know they were missing.
 *
 * @example
 * ```ts
 * import { normalize, openGeoTiff, planTiles, readTiles } from "tilecast";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const plan = planTiles({ width: 512, height: 512, tileSize: 256 });
 * const stats = { bands: [0, 1, 2, 3].map(() => ({ count: 1, mean: 1000, std: 500, min: 0, max: 4000 })), transforms: [] };
 * readTiles(src, plan).pipe(normalize(stats)).subscribe((t) => t.release()); // float32 tiles, ~N(0, 1)
 * ```
 */

import { map, type OperatorFunction } from "rxjs";
import { z } from "zod";
import { type Stats, transformValue, type ValueTransform, valueTransform } from "../grid/band-stats.js";
import { createGrid, type Grid, isNodata } from "../grid/grid.js";
import { markStage } from "./stall.js";
import type { Tile } from "./tile.js";

/** Normalization methods. */
export const normalizeMethod = z.enum(["zscore", "minmax"]);
/** Normalization methods. */
export type NormalizeMethod = z.infer<typeof normalizeMethod>;

/**
 * The options of the `normalize` stage in pipeline files: the method, where statistics come from
 * (`compute`: a streaming pass first, or a statistics JSON file), value transforms, and a file to
 * save computed statistics to.
 */
export const normalizeStageOptions = z.strictObject({
  method: normalizeMethod.default("zscore"),
  stats: z.string().default("compute"),
  transforms: z.array(valueTransform).optional(),
  saveStats: z.string().optional(),
});

/** Options for {@link normalize}. */
export interface NormalizeOptions {
  /** Default `zscore`. */
  method?: NormalizeMethod;
}

/** Normalize one grid (see the module documentation). */
export function normalizeGrid(g: Grid, stats: Stats, method: NormalizeMethod = "zscore"): Grid<"float32"> {
  const [bands, h, w] = g.shape as [number, number, number];
  const n = h * w;
  const out = new Float32Array(g.data.length);
  let mask: Uint8Array | null = null;
  for (let b = 0; b < bands; b++) {
    const s = stats.bands[b];
    const t: ValueTransform = stats.transforms[b] ?? "none";
    const shift = s ? (method === "zscore" ? s.mean : s.min) : 0;
    const spread = s ? (method === "zscore" ? s.std : s.max - s.min) : 1;
    const scale = spread > 0 && Number.isFinite(spread) ? 1 / spread : 1;
    const off = Number.isFinite(shift) ? shift : 0;
    for (let i = b * n; i < (b + 1) * n; i++) {
      const v = g.data[i] as number;
      if (isNodata(v, g.nodata) || (g.mask && !g.mask[i]) || Number.isNaN(v)) {
        mask ??= g.mask ? Uint8Array.from(g.mask) : new Uint8Array(g.data.length).fill(1);
        mask[i] = 0;
        continue; // out[i] stays 0
      }
      out[i] = (transformValue(v, t) - off) * scale;
    }
  }
  return createGrid("float32", g.shape, {
    data: out,
    dims: g.dims,
    georef: g.georef,
    nodata: null,
    mask: mask ?? g.mask,
    attrs: g.attrs,
  });
}

/**
 * `normalize(stats)`: per-band scaling of tile pixels to float32 for a model, after the band's value transform (`log1p` for precipitation): zscore: (t(v) - mean) / std        minmax: (t(v) - min) / (max - min) A constant band (std or...
 * Details and a complete example: the module documentation above.
 */
export function normalize(stats: Stats, options: NormalizeOptions = {}): OperatorFunction<Tile, Tile> {
  return map((t) => {
    markStage(t.release, "normalize");
    return t.empty ? t : { ...t, grid: normalizeGrid(t.grid, stats, options.method) };
  });
}
