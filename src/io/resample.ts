/**
 * A source read at a coarser grid: `resampleSource(src, { factor, method })` presents the raster
 * `factor` times coarser on both axes (⌈width / factor⌉ × ⌈height / factor⌉), its geotransform
 * scaled to match, so pipelines train and predict at 4 km from a 1 km archive without a copy.
 * Each coarse window reads only the fine window under it. Cell `(i, j)` covers fine cells
 * `[i·f, (i+1)·f) × [j·f, (j+1)·f)` (clipped at the raster's edge):
 *
 * - `average`: the mean of the valid fine cells (nodata and NaN left out), as `gdal_translate
 *   -r average` and `gdaladdo` compute it for whole factors;
 * - `nearest`: the fine cell at `⌊(i + 0.5)·f⌋`, as GDAL's nearest;
 * - `mode`: the most frequent valid value (the smallest on ties), for classes;
 * - `bilinear`: a triangle filter over `2f` fine cells centred on the coarse cell (weights
 *   `1 − |d| / f` by distance `d` between cell centres, in fine pixels), valid cells only.
 *
 * A coarse cell with no valid fine cell is nodata (NaN for floats; masked when the raster has no
 * nodata). Averages of integer rasters are rounded.
 *
 * @example
 * ```ts
 * import { openSource, resampleSource } from "tilecast/io";
 * const src = resampleSource(await openSource("fixtures/demo/scene.s2like.u16.4b.tif"), { factor: 4, method: "average" });
 * console.log(src.meta.width, src.meta.georef?.transform[1]); // 128 40
 * ```
 */
import { z } from "zod";
import { TilecastError } from "../errors.js";
import { allocate, DTYPE_INFO, roundClamp } from "../grid/dtype.js";
import { createGrid, type Grid, isNodata } from "../grid/grid.js";
import { scaleRpc } from "../grid/rpc.js";
import type { Window } from "../grid/window.js";
import type { GridSource, RasterMeta, ReadOptions } from "./types.js";

/** How fine cells become a coarse one. */
export const resampleMethod = z.enum(["average", "nearest", "mode", "bilinear"]);

/** `input.resample` in pipeline files: a whole factor, or a target pixel size in CRS units. */
export const resampleSpec = z
  .strictObject({
    factor: z.number().int().min(2).optional(),
    resolution: z.number().positive().optional(),
    method: resampleMethod.default("average"),
  })
  .refine((r) => (r.factor === undefined) !== (r.resolution === undefined), "give factor or resolution, not both");

/** What {@link resampleSpec} accepts. */
export type ResampleSpec = z.input<typeof resampleSpec>;

/** The whole factor a spec asks for on `meta`'s grid; a resolution must be a whole multiple of its pixel. */
export function resampleFactor(meta: RasterMeta, spec: ResampleSpec): number {
  const s = resampleSpec.parse(spec);
  if (s.factor !== undefined) return s.factor;
  if (meta.georef?.gcps?.length)
    throw new TilecastError(
      "E_ARGUMENT",
      "a raster georeferenced by ground control points has no pixel size: resample it by factor",
      { path: meta.path },
    );
  if (meta.georef?.noTransform)
    throw new TilecastError(
      "E_ARGUMENT",
      "the raster has no transform (a CRS or RPCs alone), so no pixel size: resample it by factor",
      {
        path: meta.path,
      },
    );
  const px = Math.abs(meta.georef?.transform[1] ?? Number.NaN);
  const f = (s.resolution as number) / px;
  if (!(Number.isFinite(f) && Math.abs(f - Math.round(f)) < 1e-9 && Math.round(f) >= 2))
    throw new TilecastError(
      "E_ARGUMENT",
      `resample.resolution ${s.resolution} is not a whole multiple (>= 2) of the pixel size ${px}`,
      { path: meta.path },
    );
  return Math.round(f);
}

type Method = z.infer<typeof resampleMethod>;

function coarseCell(
  fine: Grid,
  band: number,
  fx0: number,
  fy0: number,
  fw: number,
  fh: number,
  f: number,
  ox: number,
  oy: number,
  method: Method,
): number {
  const [, h, w] = fine.shape as [number, number, number];
  const at = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= w || y >= h) return Number.NaN;
    const k = band * h * w + y * w + x;
    const v = fine.data[k] as number;
    return (fine.mask && !fine.mask[k]) || isNodata(v, fine.nodata) ? Number.NaN : v;
  };
  // (fx0, fy0): the coarse cell's fine origin within `fine`; (fw, fh): fine cells it covers.
  if (method === "nearest")
    return at(fx0 + Math.min(fw - 1, Math.floor(0.5 * f)), fy0 + Math.min(fh - 1, Math.floor(0.5 * f)));
  if (method === "average" || method === "mode") {
    let sum = 0;
    let n = 0;
    const counts = method === "mode" ? new Map<number, number>() : null;
    for (let y = fy0; y < fy0 + fh; y++)
      for (let x = fx0; x < fx0 + fw; x++) {
        const v = at(x, y);
        if (v !== v) continue;
        sum += v;
        n++;
        counts?.set(v, (counts.get(v) ?? 0) + 1);
      }
    if (n === 0) return Number.NaN;
    if (!counts) return sum / n;
    let best = Number.NaN;
    let most = 0;
    for (const [v, c] of counts) if (c > most || (c === most && v < best)) [best, most] = [v, c];
    return best;
  }
  // bilinear: a triangle filter of radius f (fine pixels) around the coarse cell's centre.
  const cx = fx0 - ox + 0.5 * f;
  const cy = fy0 - oy + 0.5 * f;
  let sum = 0;
  let weight = 0;
  for (let y = Math.floor(fy0 - oy + 0.5 * f - f); y <= fy0 - oy + 0.5 * f + f; y++)
    for (let x = Math.floor(fx0 - ox + 0.5 * f - f); x <= fx0 - ox + 0.5 * f + f; x++) {
      const wx = 1 - Math.abs(x + 0.5 - cx) / f;
      const wy = 1 - Math.abs(y + 0.5 - cy) / f;
      if (wx <= 0 || wy <= 0) continue;
      const v = at(x + ox, y + oy);
      if (v !== v) continue;
      sum += wx * wy * v;
      weight += wx * wy;
    }
  return weight > 0 ? sum / weight : Number.NaN;
}

/** A coarser view of `src`; see the module documentation. */
export function resampleSource(src: GridSource, spec: ResampleSpec): GridSource {
  const f = resampleFactor(src.meta, spec);
  const method = resampleSpec.parse(spec).method;
  const m = src.meta;
  const gt = m.georef?.transform;
  const meta: RasterMeta = {
    ...m,
    width: Math.ceil(m.width / f),
    height: Math.ceil(m.height / f),
    blockWidth: Math.max(1, Math.round(m.blockWidth / f)),
    blockHeight: Math.max(1, Math.round(m.blockHeight / f)),
    georef:
      m.georef && gt
        ? {
            ...m.georef,
            transform: [gt[0], gt[1] * f, gt[2] * f, gt[3], gt[4] * f, gt[5] * f],
            // A GCP's place on the coarser grid: its pixel corner coordinates over the factor.
            ...(m.georef.gcps
              ? { gcps: m.georef.gcps.map((p) => ({ ...p, pixel: p.pixel / f, line: p.line / f })) }
              : {}),
            ...(m.georef.rpc ? { rpc: scaleRpc(m.georef.rpc, f) } : {}),
            geolocation: undefined, // the arrays' cells are the fine grid's
            axes: undefined, // so are these coordinates
          }
        : m.georef,
  };
  const float = m.dtype.startsWith("float");
  return {
    meta,
    close: () => src.close(),
    async readWindow(w: Window, o: ReadOptions = {}): Promise<Grid> {
      // The fine window under the coarse one, plus a coarse cell's margin for bilinear.
      const pad = method === "bilinear" ? f : 0;
      const fine = await src.readWindow(
        { x: w.x * f - pad, y: w.y * f - pad, width: w.width * f + 2 * pad, height: w.height * f + 2 * pad },
        o,
      );
      const bands = fine.shape[0] as number;
      const out = allocate(m.dtype, bands * w.width * w.height);
      const nodata = m.nodata;
      const mask = nodata === null ? new Uint8Array(out.length).fill(1) : null;
      const round = !float && method !== "nearest" && method !== "mode";
      const { min, max } = DTYPE_INFO[m.dtype] as { min: number; max: number };
      for (let b = 0; b < bands; b++)
        for (let j = 0; j < w.height; j++)
          for (let i = 0; i < w.width; i++) {
            const gx = (w.x + i) * f; // fine origin of the coarse cell, raster coordinates
            const gy = (w.y + j) * f;
            const fw = Math.max(0, Math.min(f, m.width - gx));
            const fh = Math.max(0, Math.min(f, m.height - gy));
            const k = b * w.width * w.height + j * w.width + i;
            const v =
              fw && fh ? coarseCell(fine, b, i * f + pad, j * f + pad, fw, fh, f, pad, pad, method) : Number.NaN;
            if (v !== v) {
              if (mask) mask[k] = 0;
              out[k] = (nodata ?? 0) as never;
            } else out[k] = (round ? roundClamp(v, min, max) : v) as never;
          }
      return createGrid(m.dtype, [bands, w.height, w.width], {
        data: out,
        nodata: float && nodata === null ? null : nodata,
        ...(mask ? { mask } : {}),
        georef: meta.georef,
        attrs: fine.attrs,
      });
    },
  };
}
