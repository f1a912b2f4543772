/**
 * The output buffer of a windowed read, shared by every reader: band checks, the size cap, the
 * part of the window inside the raster, and the fill for the part outside (nodata, or 0 with a
 * mask when the raster has no nodata value).
 */
import { TilecastError } from "../errors.js";
import { allocate, DTYPE_INFO, type DType, type TypedArray } from "../grid/dtype.js";
import { intersect, type Window } from "../grid/window.js";
import { checkBudget } from "../util/budget.js";
import type { RasterMeta } from "./types.js";

/** The largest window one read may allocate (bytes). */
export const MAX_WINDOW_BYTES = 4 * 1024 ** 3;

/** A window's buffer, before any pixel is copied in. */
export interface WindowBuffer {
  bands: readonly number[];
  out: TypedArray;
  /** The part of the window inside the raster. */
  inner: Window;
  /** True when the whole window lies inside the raster. */
  inside: boolean;
  /** Set when cells outside the raster are masked (no nodata value). */
  mask: Uint8Array | null;
}

/** A window read's plan: checked bands, the part inside the raster, and the buffer's size. */
export interface WindowPlan {
  bands: readonly number[];
  inner: Window;
  inside: boolean;
  dtype: DType;
  length: number;
}

/** Validate the bands and size of a read (dtype default: the raster's); allocates nothing. */
export function planWindow(
  meta: RasterMeta,
  w: Window,
  requested?: readonly number[],
  dtype: DType = meta.dtype,
): WindowPlan {
  const bands = requested ?? Array.from({ length: meta.bands }, (_, i) => i);
  for (const b of bands) {
    if (!Number.isInteger(b) || b < 0 || b >= meta.bands) {
      throw new TilecastError("E_ARGUMENT", `band ${b} does not exist (${meta.bands} bands)`, { path: meta.path });
    }
  }
  const bytes = w.width * w.height * bands.length * DTYPE_INFO[dtype].bytes;
  if (bytes > MAX_WINDOW_BYTES) {
    throw new TilecastError(
      "E_TOO_LARGE",
      `window ${w.width}x${w.height}x${bands.length} exceeds ${MAX_WINDOW_BYTES} bytes; read it in tiles`,
      { path: meta.path },
    );
  }
  checkBudget(bytes, `a ${w.width}x${w.height}x${bands.length} ${dtype} window`, meta.path);
  const inner = intersect(w, { x: 0, y: 0, width: meta.width, height: meta.height });
  const inside = inner.width === w.width && inner.height === w.height;
  return { bands, inner, inside, dtype, length: w.width * w.height * bands.length };
}

/** Allocate a planned window's buffer, filled outside the raster. */
export function allocateWindow(meta: RasterMeta, plan: WindowPlan): WindowBuffer {
  const out = allocate(plan.dtype, plan.length);
  let mask: Uint8Array | null = null;
  if (!plan.inside) {
    if (meta.nodata !== null) out.fill(meta.nodata);
    else mask = new Uint8Array(out.length);
  }
  return { bands: plan.bands, out, inner: plan.inner, inside: plan.inside, mask };
}

/** Validate the bands and size of a read and allocate its buffer (dtype default: the raster's). */
export function windowBuffer(
  meta: RasterMeta,
  w: Window,
  requested?: readonly number[],
  dtype: DType = meta.dtype,
): WindowBuffer {
  return allocateWindow(meta, planWindow(meta, w, requested, dtype));
}
