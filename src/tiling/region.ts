/**
 * Output regions of the stitcher: an open region accumulates its covering tiles' predictions
 * (values where one tile covers it, weighted sums and weight sums at seams), and is finalized
 * into a grid of the output dtype once its last tile has arrived: sums divided by weights,
 * integers packed ({@link Packing}), rounded and clamped (never onto the nodata value:
 * {@link validRange}), uncovered or invalid cells nodata (or masked when there is none), and
 * so are NaN predictions, which an integer cannot hold.
 *
 * Internal to the stitcher (exported for it); for example:
 * ```ts internal
 * finalizeRegion(open, "float32", Number.NaN); // { window, grid }
 * ```
 */
import { allocate, DTYPE_INFO, type DType, roundClamp, type TypedArray } from "../grid/dtype.js";
import { createGrid, type Grid } from "../grid/grid.js";
import type { Window } from "../grid/window.js";

/** A finished piece of the output. */
export interface Region {
  readonly window: Window;
  readonly grid: Grid;
  /** Valid values of an integer output that fell outside its range and were clamped to it (stitched regions). */
  readonly clamped?: number;
}

/** A region still receiving tiles. */
export interface OpenRegion {
  window: Window;
  remaining: number;
  single: boolean;
  /** single: the values; seams: weighted sums (`bands * n`). */
  sum: Float32Array | Float64Array;
  /** single: 1 where valid; seams: weight sums (`n`). */
  weight: Uint8Array | Float64Array;
}

/**
 * Open regions' arrays, reused once their region is finalized: a region's sums and weights are
 * dropped the moment its grid is made, and the next stripe's regions have the same sizes. Without
 * reuse every region allocated (and the collector freed) half a megabyte or more.
 */
export class RegionArrays {
  readonly #free = new Map<string, { sum: Float32Array | Float64Array; weight: Uint8Array | Float64Array }[]>();
  /** Arrays kept per size: more than the regions a stripe finishes at once is never needed. */
  static readonly KEEP = 32;

  /** Zeroed arrays for a region of `n` cells and `bands` bands. */
  take(single: boolean, bands: number, n: number): Pick<OpenRegion, "sum" | "weight"> {
    const got = this.#free.get(`${single}:${bands}:${n}`)?.pop();
    if (!got)
      return single
        ? { sum: new Float32Array(bands * n), weight: new Uint8Array(n) }
        : { sum: new Float64Array(bands * n), weight: new Float64Array(n) };
    got.sum.fill(0);
    got.weight.fill(0);
    return got;
  }

  /** Give a finalized region's arrays back. */
  give(r: OpenRegion): void {
    const key = `${r.single}:${r.sum.length / Math.max(r.weight.length, 1)}:${r.weight.length}`;
    const list = this.#free.get(key) ?? [];
    if (list.length < RegionArrays.KEEP) list.push({ sum: r.sum, weight: r.weight });
    this.#free.set(key, list);
  }
}

/**
 * How an integer output packs values: stored = round((value - offset) / scale), as GDAL's and
 * CF's scale and offset read them back (value = stored * scale + offset).
 */
export interface Packing {
  scale: number;
  offset: number;
}

const UNPACKED: Packing = { scale: 1, offset: 0 };

/** The region's grid; see the module documentation. */
export function finalizeRegion(
  r: OpenRegion,
  dtype: DType,
  nodata: number | null,
  packing: Packing = UNPACKED,
): Region {
  const n = r.window.width * r.window.height;
  const bands = r.sum.length / Math.max(n, 1);
  const out = allocate(dtype, bands * n);
  let nan: number[];
  let clamped = 0;
  if (dtype === "float32" || dtype === "float64") {
    const o = out as Float32Array | Float64Array;
    if (r.single) o.set(r.sum);
    else divide(r.sum as Float64Array, r.weight as Float64Array, o, bands);
    // NaN is a float output's missing value; with another nodata, NaN predictions become it.
    nan = nodata === null || Number.isNaN(nodata) ? [] : nanCells(o);
  } else {
    const [min, max] = validRange(dtype, nodata);
    ({ nan, clamped } = r.single
      ? roundSingle(r.sum as Float32Array, r.weight as Uint8Array, out, min, max, packing)
      : roundSeam(r.sum as Float64Array, r.weight as Float64Array, out, bands, min, max, packing));
  }
  const mask = markGaps(r.weight, out, bands, nodata, nan);
  return {
    window: r.window,
    grid: createGrid(dtype, [bands, r.window.height, r.window.width], { data: out, nodata, mask }),
    clamped,
  };
}

/**
 * The values an integer output holds for valid cells: the dtype's range, less `nodata` where it
 * is one of the range's ends (uint8 with nodata 255: 0-254). A valid value past that end is
 * clamped to its neighbour instead of being written as nodata, which every reader would then
 * take for a cell without data. A nodata value inside the range cannot be kept apart this way.
 */
export function validRange(dtype: DType, nodata: number | null): [number, number] {
  const { min, max } = DTYPE_INFO[dtype];
  return [nodata === min ? min + 1 : min, nodata === max ? max - 1 : max];
}

/** Seam values: each band's sums divided by the weights, plane by plane. */
function divide(sum: Float64Array, weight: Float64Array, out: Float32Array | Float64Array, bands: number): void {
  const n = weight.length;
  for (let b = 0; b < bands; b++)
    for (let i = 0, k = b * n; i < n; i++, k++) out[k] = (sum[k] as number) / (weight[i] as number);
}

/** The indices of `values`' NaNs. */
function nanCells(values: Float32Array | Float64Array): number[] {
  const out: number[] = [];
  for (let k = 0; k < values.length; k++) if (Number.isNaN(values[k])) out.push(k);
  return out;
}

/** What rounding into an integer dtype met: NaN predictions' indices, and how many values it clamped. */
interface Rounded {
  nan: number[];
  clamped: number;
}

const NOTHING: Rounded = { nan: [], clamped: 0 };

/**
 * A one-tile region's values into an integer dtype: packed, rounded and clamped to `[min, max]`.
 * NaN predictions, which no integer holds (they would be written as 0), are left to markGaps.
 * The loop only notes whether any value left the range (a NaN fails both tests); where one did,
 * {@link outliers} looks again. The note costs about 1.5 ns a value (2.7 ns without it).
 */
function roundSingle(sum: Float32Array, valid: Uint8Array, out: TypedArray, min: number, max: number, p: Packing) {
  const { scale, offset } = p;
  const [lo, hi] = [min - 0.5, max + 0.5];
  let inside = true;
  for (let k = 0; k < sum.length; k++) {
    const v = ((sum[k] as number) - offset) / scale;
    if (!(v >= lo && v < hi)) inside = false;
    out[k] = roundClamp(v, min, max);
  }
  if (inside) return NOTHING;
  return outliers(sum.length, valid, min, max, (k, i) => ((sum[k] as number) - offset) / scale, false);
}

/** Seam values into an integer dtype: divided, packed, rounded and clamped, as {@link roundSingle}. */
function roundSeam(
  sum: Float64Array,
  weight: Float64Array,
  out: TypedArray,
  bands: number,
  min: number,
  max: number,
  p: Packing,
) {
  const n = weight.length;
  const { scale, offset } = p;
  const [lo, hi] = [min - 0.5, max + 0.5];
  let inside = true;
  for (let b = 0; b < bands; b++)
    for (let i = 0, k = b * n; i < n; i++, k++) {
      const v = ((sum[k] as number) / (weight[i] as number) - offset) / scale;
      if (!(v >= lo && v < hi)) inside = false;
      out[k] = roundClamp(v, min, max);
    }
  if (inside) return NOTHING;
  // A gap (weight 0) is NaN too: markGaps marks those cells in every band.
  return outliers(
    sum.length,
    weight,
    min,
    max,
    (k, i) => ((sum[k] as number) / (weight[i] as number) - offset) / scale,
    true,
  );
}

/**
 * The NaN values' indices and the count of values past `[min, max]`, of `length` values
 * (`value(k, cell)`) over the cells `covered` marks: values of cells no tile covered are
 * markGaps' to fill, neither counted nor listed.
 */
function outliers(
  length: number,
  covered: Uint8Array | Float64Array,
  min: number,
  max: number,
  value: (k: number, cell: number) => number,
  seam: boolean,
): Rounded {
  const n = covered.length;
  const nan: number[] = [];
  let clamped = 0;
  for (let k = 0; k < length; k++) {
    const i = k % n;
    const v = value(k, i);
    if (Number.isNaN(v)) {
      if (!seam || covered[i] !== 0) nan.push(k);
    } else if ((v < min - 0.5 || v >= max + 0.5) && covered[i] !== 0) clamped++;
  }
  return { nan, clamped };
}

/**
 * Cells no valid tile covered (weight 0) get `nodata` in every band, and the values in `nan`
 * (NaN predictions: one band of a cell) get it alone; where there is no nodata they are masked.
 * Returns the mask (null when nothing is masked). Gaps are found with `indexOf`, so a region
 * without them costs one scan of its weights.
 */
function markGaps(
  weight: Uint8Array | Float64Array,
  out: TypedArray,
  bands: number,
  nodata: number | null,
  nan: readonly number[],
): Uint8Array | null {
  const n = weight.length;
  let mask: Uint8Array | null = null;
  const mark = (k: number): void => {
    out[k] = nodata ?? 0;
    if (nodata === null) {
      mask ??= new Uint8Array(bands * n).fill(1);
      mask[k] = 0;
    }
  };
  for (let i = weight.indexOf(0); i !== -1 && i < n; i = weight.indexOf(0, i + 1))
    for (let k = i; k < bands * n; k += n) mark(k);
  for (const k of nan) mark(k);
  return mask;
}
