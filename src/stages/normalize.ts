/**
 * `normalize(stats)`: per-band scaling of tile pixels to float32 for a model, after the
 * band's value transform (`log1p` for precipitation):
 *   zscore: (t(v) - mean) / std        minmax: (t(v) - min) / (max - min)        none: t(v)
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
import { createGrid, type Grid } from "../grid/grid.js";
import { markStage } from "./stall.js";
import type { Tile } from "./tile.js";

/** Normalization methods. */
export const normalizeMethod = z.enum(["zscore", "minmax", "none"]);
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
  /**
   * `band` (default): statistics per band. `variable`: one set over every band, for bands that
   * are time steps of one quantity, so every frame of a sequence shares one scaling.
   */
  per: z.enum(["band", "variable"]).default("band"),
});

/** Options for {@link normalize}. */
export interface NormalizeOptions {
  /** Default `zscore`. */
  method?: NormalizeMethod;
}

/** What a {@link normalize} operator scales by, so `batch` can do it instead (see `batch`). */
export interface Normalization {
  readonly stats: Stats;
  readonly method: NormalizeMethod;
}

/** A {@link normalize} operator, which also says what it scales by. */
export type NormalizeOperator = OperatorFunction<Tile, Tile> & { readonly normalization: Normalization };

/** The shift and scale of band `b`: `(t(v) - shift) * scale`. */
export function bandScaling(stats: Stats, b: number, method: NormalizeMethod): { shift: number; scale: number } {
  if (method === "none") return { shift: 0, scale: 1 };
  const s = stats.bands[b];
  const shift = s ? (method === "zscore" ? s.mean : s.min) : 0;
  const spread = s ? (method === "zscore" ? s.std : s.max - s.min) : 1;
  return {
    shift: Number.isFinite(shift) ? shift : 0,
    scale: spread > 0 && Number.isFinite(spread) ? 1 / spread : 1,
  };
}

/**
 * The inverse of normalizing band `b`: a model's output back in the data's units.
 *
 * @example
 * ```ts
 * import { denormalizeValue } from "tilecast";
 * const stats = { bands: [{ count: 4, mean: 10, std: 2, min: 7, max: 13 }], transforms: ["none" as const] };
 * console.log(denormalizeValue(1.5, stats, 0, "zscore")); // 13
 * ```
 */
export function denormalizeValue(v: number, stats: Stats, b: number, method: NormalizeMethod): number {
  const { shift, scale } = bandScaling(stats, b, method);
  const t = v / scale + shift;
  return stats.transforms[b] === "log1p" ? Math.expm1(t) : t;
}

/**
 * Scale cells `[from, to)` of `src` into `out`, returning the invalid ones (nodata, NaN, or 0 in
 * `mask`; their output stays 0). Cell `i` goes to `out[at + (i - from) * stride]`: by default
 * the same place, or one band of pixel-interleaved cells (`normalize-interleaved.ts`). The loops
 * are written out per case so each stays tight.
 */
export function scaleRange(
  src: Grid["data"],
  out: Float32Array,
  from: number,
  to: number,
  shift: number,
  scale: number,
  t: ValueTransform,
  nodata: number, // NaN when there is none (NaN cells are invalid either way)
  mask: Uint8Array | null,
  at = from,
  stride = 1,
): number[] {
  const missing: number[] = [];
  if (t === "none" && mask === null) {
    for (let i = from, j = at; i < to; i++, j += stride) {
      const v = src[i] as number;
      if (v === nodata || v !== v) missing.push(i);
      else out[j] = (v - shift) * scale;
    }
    return missing;
  }
  for (let i = from, j = at; i < to; i++, j += stride) {
    const v = src[i] as number;
    if (v === nodata || v !== v || (mask !== null && mask[i] === 0)) missing.push(i);
    else out[j] = (transformValue(v, t) - shift) * scale;
  }
  return missing;
}

/** Normalize one grid (see the module documentation). */
export function normalizeGrid(g: Grid, stats: Stats, method: NormalizeMethod = "zscore"): Grid<"float32"> {
  const [bands, h, w] = g.shape as [number, number, number];
  const n = h * w;
  const out = new Float32Array(g.data.length);
  const gmask = g.mask;
  const nodata = g.nodata ?? Number.NaN;
  let mask: Uint8Array | null = null;
  for (let b = 0; b < bands; b++) {
    const { shift, scale } = bandScaling(stats, b, method);
    const t: ValueTransform = stats.transforms[b] ?? "none";
    const missing = scaleRange(g.data, out, b * n, (b + 1) * n, shift, scale, t, nodata, gmask);
    if (missing.length === 0) continue;
    mask ??= gmask ? Uint8Array.from(gmask) : new Uint8Array(g.data.length).fill(1);
    for (const i of missing) mask[i] = 0;
  }
  return createGrid("float32", g.shape, {
    data: out,
    dims: g.dims,
    georef: g.georef,
    nodata: null,
    mask: mask ?? gmask,
    attrs: g.attrs,
  });
}

/**
 * `normalize(stats)`: per-band scaling of tile pixels to float32 for a model, after the band's value transform (`log1p` for precipitation): zscore: (t(v) - mean) / std        minmax: (t(v) - min) / (max - min) A constant band (std or...
 * Details and a complete example: the module documentation above.
 */
export function normalize(stats: Stats, options: NormalizeOptions = {}): NormalizeOperator {
  const op = map((t: Tile) => {
    markStage(t.release, "normalize");
    return t.empty ? t : { ...t, grid: normalizeGrid(t.grid, stats, options.method) };
  });
  return Object.assign(op, { normalization: { stats, method: options.method ?? "zscore" } });
}
