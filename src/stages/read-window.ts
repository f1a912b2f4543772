/**
 * Reading a tile's window with the plan's rules for pixels outside the raster: nodata (what
 * every source does), reflection, or wrapping around a periodic x axis. Only the in-raster
 * runs the window maps to are read (at most one run per side of a periodic seam), then
 * gathered into the window.
 */
import { allocate } from "../grid/dtype.js";
import { createGrid, type Grid, windowGeoref } from "../grid/grid.js";
import { contains, type Window } from "../grid/window.js";
import type { GridSource, ReadOptions } from "../io/types.js";
import { axisIndexMap, indexRuns, type OutsideMode } from "../tiling/index-map.js";
import type { Padding } from "../tiling/plan.js";

/** How a window's outside pixels are filled. */
export interface OutsideRules {
  padding: Padding;
  periodicX: boolean;
}

/**
 * The window's columns that source columns `[x0, x1)` fill, as runs `[first column, its source
 * column, length, source step]`: inside the raster a run reads forward (step 1, copied whole);
 * a reflected edge reads backward (step -1).
 */
function columnRuns(xmap: Int32Array, x0: number, x1: number): [number, number, number, number][] {
  const runs: [number, number, number, number][] = [];
  const inside = (ox: number) => (xmap[ox] as number) >= x0 && (xmap[ox] as number) < x1;
  for (let ox = 0; ox < xmap.length; ) {
    if (!inside(ox)) {
      ox++;
      continue;
    }
    const sx = xmap[ox] as number;
    const step = ox + 1 < xmap.length && inside(ox + 1) && xmap[ox + 1] === sx - 1 ? -1 : 1;
    let len = 1;
    while (ox + len < xmap.length && inside(ox + len) && xmap[ox + len] === sx + len * step) len++;
    runs.push([ox, sx, len, step]);
    ox += len;
  }
  return runs;
}

/** Read `w` from `source`, filling pixels outside the raster by `rules`. */
export async function readWithRules(
  source: GridSource,
  w: Window,
  rules: OutsideRules,
  options: ReadOptions = {},
): Promise<Grid> {
  const { width: W, height: H } = source.meta;
  const inside = contains({ x: 0, y: 0, width: W, height: H }, w);
  if (inside || (rules.padding === "nodata" && !rules.periodicX)) return source.readWindow(w, options);
  const yMode: OutsideMode = rules.padding === "reflect" ? "reflect" : "nodata";
  const xMode: OutsideMode = rules.periodicX ? "wrap" : yMode;
  const ymap = axisIndexMap(w.y, w.height, H, yMode);
  const xmap = axisIndexMap(w.x, w.width, W, xMode);
  const yRun = indexRuns(ymap);
  const y0 = yRun[0]?.[0] ?? 0;
  const y1 = yRun[yRun.length - 1]?.[1] ?? 0;
  const pieces = await Promise.all(
    indexRuns(xmap).map(async ([x0, x1]) => ({
      x0,
      x1,
      grid: await source.readWindow({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, options),
    })),
  );
  const bands = options.bands?.length ?? source.meta.bands;
  const nodata = source.meta.nodata;
  const n = w.width * w.height;
  const data = allocate(source.meta.dtype, bands * n);
  let mask: Uint8Array | null = nodata === null ? new Uint8Array(bands * n).fill(1) : null;
  if (nodata !== null) data.fill(nodata);
  const ph = y1 - y0;
  for (const p of pieces) {
    const pw = p.x1 - p.x0;
    const src = p.grid.data;
    const runs = columnRuns(xmap, p.x0, p.x1);
    if (p.grid.mask) mask ??= new Uint8Array(bands * n).fill(1);
    for (let b = 0; b < bands; b++) {
      for (let oy = 0; oy < w.height; oy++) {
        const sy = ymap[oy] as number;
        if (sy < 0) continue;
        const row = b * n + oy * w.width;
        const srow = b * ph * pw + (sy - y0) * pw - p.x0;
        for (const [ox, sx, len, step] of runs) {
          if (step === 1) data.set(src.subarray(srow + sx, srow + sx + len) as never, row + ox);
          else for (let k = 0; k < len; k++) data[row + ox + k] = src[srow + sx + k * step] as number;
          if (p.grid.mask && mask)
            for (let k = 0; k < len; k++) mask[row + ox + k] = p.grid.mask[srow + sx + k * step] as number;
        }
      }
    }
  }
  if (mask && nodata === null) {
    // Cells no piece wrote stay masked.
    for (let b = 0; b < bands; b++)
      for (let oy = 0; oy < w.height; oy++)
        for (let ox = 0; ox < w.width; ox++)
          if ((ymap[oy] as number) < 0 || (xmap[ox] as number) < 0) mask[b * n + oy * w.width + ox] = 0;
  }
  const georef = source.meta.georef;
  return createGrid(source.meta.dtype, [bands, w.height, w.width], {
    data,
    nodata,
    mask,
    georef: georef ? windowGeoref(georef, w) : null,
    attrs: pieces[0]?.grid.attrs ?? source.meta.attrs,
  });
}
