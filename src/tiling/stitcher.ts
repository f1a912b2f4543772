/**
 * The bounded-memory stitcher: blends overlapping tile predictions into output regions and
 * hands each region back the moment its last contributing tile has arrived.
 *
 * Regions are the cells of a grid cut at every edge of every tile's contribution window (its
 * read window, or its core for `crop`), so each region is covered by a fixed set of tiles:
 * interiors by one, seams by two, corners by four. Because the tiles form a product grid, the
 * number of tiles covering region `(i, j)` is `cx[i] * cy[j]`, the per-axis counts.
 *
 * A region covered by one tile stores that tile's values as they are (float32); a seam keeps
 * float64 weighted sums `S = sum(w * v)` and weight sums `Z = sum(w)` and emits `S / Z`, so
 * identical predictions reproduce their value to the last bit of float32. A pixel no valid
 * tile covered (input nodata, empty tiles) is nodata. Only regions still waiting for tiles are
 * held: with the plan's stripe order, about one stripe by one tile row.
 *
 * @example
 * ```ts
 * import { planTiles, Stitcher } from "tilecast";
 * const plan = planTiles({ width: 8, height: 4, tileSize: 4, overlap: 1 });
 * const st = new Stitcher(plan, { weights: "hann" });
 * // st.add(spec, values, bands, valid) for each tile; st.finish() at the end.
 * ```
 */
import { TilecastError } from "../errors.js";
import type { DType } from "../grid/dtype.js";
import type { Window } from "../grid/window.js";
import { accumulate } from "./accumulate.js";
import type { TilePlan, TileSpec } from "./plan.js";
import { finalizeRegion, type OpenRegion as Open, type Packing, type Region, RegionArrays } from "./region.js";
import { type Axis, buildAxis, pieces, segmentOf } from "./stitch-axis.js";
import { type BlendWeights, blendWindow } from "./weights.js";

export type { Region };

/** Options for {@link Stitcher}. */
export interface StitcherOptions {
  /** Default `hann`. */
  weights?: BlendWeights;
  /** Output dtype (default float32); integer outputs are rounded and clamped. */
  dtype?: DType;
  /** Output nodata (default NaN for floats; for integers, null: missing cells are masked). */
  nodata?: number | null;
  /** An integer output's scale and offset (stored = round((value - offset) / scale)); default none. */
  packing?: Packing;
  /** Output bands, when known before the first prediction (needed only if every tile is empty). */
  bands?: number;
  /**
   * Pixels cut from every side of a tile's prediction before blending (at most the overlap): the
   * band a tile edge contaminates. With the model's receptive-field radius here, blended tiled
   * inference equals whole-scene inference. Default 0.
   */
  trim?: number;
}

/**
 * Where a tile's prediction lies in a buffer: value of band `b` at pixel `f` (row-major over the
 * tile's frame) is `data[offset + b * bandStride + f * pixelStride]`. Planes (CHW) have
 * `bandStride = h * w, pixelStride = 1`; a row of an NHWC batch has `bandStride = 1,
 * pixelStride = bands`, so predictions are stitched straight from the tensor's buffer.
 */
export interface TileValues {
  data: Float32Array;
  offset: number;
  bandStride: number;
  pixelStride: number;
}

/**
 * The bounded-memory stitcher: blends overlapping tile predictions into output regions and hands each region back the moment its last contributing tile has arrived.
 * Details and a complete example: the module documentation above.
 */
export class Stitcher {
  readonly #x: Axis;
  readonly #y: Axis;
  readonly #kind: BlendWeights;
  readonly #trim: number;
  readonly #wx: Float64Array;
  readonly #wy: Float64Array;
  readonly #dtype: DType;
  readonly #nodata: number | null;
  readonly #packing: Packing | undefined;
  readonly #open = new Map<number, Open>();
  readonly #arrays = new RegionArrays();
  readonly #parts: readonly Window[];
  /** Empty tiles that arrived before the band count was known. */
  readonly #waiting: TileSpec[] = [];
  #bands = 0;

  constructor(plan: TilePlan, options: StitcherOptions = {}) {
    this.#kind = options.weights ?? "hann";
    this.#trim = options.trim ?? 0;
    if (!(Number.isInteger(this.#trim) && this.#trim >= 0 && this.#trim <= plan.overlap))
      throw new TilecastError(
        "E_ARGUMENT",
        `stitch trim must be an integer from 0 to the overlap (${plan.overlap}), got ${this.#trim}`,
      );
    this.#dtype = options.dtype ?? "float32";
    const float = this.#dtype.startsWith("float");
    this.#nodata = options.nodata !== undefined ? options.nodata : float ? Number.NaN : null;
    this.#packing = options.packing;
    const pk = options.packing;
    if (pk && (float || !(pk.scale > 0 && Number.isFinite(pk.scale)) || !Number.isFinite(pk.offset)))
      throw new TilecastError(
        "E_ARGUMENT",
        float
          ? `a scale and offset pack values into an integer dtype; ${this.#dtype} stores them as they are`
          : `the scale must be a finite number above 0 and the offset finite, got ${pk.scale} and ${pk.offset}`,
      );
    this.#bands = options.bands ?? 0;
    const cols = new Map<string, [number, number]>();
    const rows = new Map<string, [number, number]>();
    for (const t of plan.tiles()) {
      const w = this.#contribution(t);
      cols.set(`${t.col}:${t.clip?.x ?? ""}`, [w.x, w.x + w.width]);
      rows.set(`${t.row}:${t.clip?.y ?? ""}`, [w.y, w.y + w.height]);
    }
    this.#parts = plan.parts.map((q) => q.window);
    this.#x = buildAxis(plan.width, plan.periodicX, [...cols.values()]);
    this.#y = buildAxis(plan.height, false, [...rows.values()]);
    const n = plan.tileSize + 2 * plan.overlap;
    const crop = this.#kind === "crop";
    this.#wx = blendWindow(this.#kind, crop ? plan.tileSize : n - 2 * this.#trim);
    this.#wy = this.#wx;
  }

  /** Regions held in memory, waiting for tiles. */
  get openRegions(): number {
    return this.#open.size;
  }

  /** The frame of a tile's weights: its core for `crop`, else its read window less the trim. */
  #base(t: TileSpec): Window {
    if (this.#kind === "crop") return t.core;
    const r = this.#trim;
    return { x: t.read.x + r, y: t.read.y + r, width: t.read.width - 2 * r, height: t.read.height - 2 * r };
  }

  /** The window a tile is stitched into: its weights' frame, within its `clip`. */
  #contribution(t: TileSpec): Window {
    const w = this.#base(t);
    if (!t.clip) return w;
    const c = t.clip;
    const x0 = Math.max(w.x, c.x);
    const x1 = Math.min(w.x + w.width, c.x + c.width);
    const y0 = Math.max(w.y, c.y);
    const y1 = Math.min(w.y + w.height, c.y + c.height);
    return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
  }

  /** Is this region inside one of the plan's parts (a plan of some parts leaves the rest alone)? */
  #inPlan(x: number, y: number): boolean {
    return this.#parts.some((p) => x >= p.x && x < p.x + p.width && y >= p.y && y < p.y + p.height);
  }

  /**
   * Add one tile's prediction: `values` holds `bands` planes over `frame` (the tile's read
   * window; or any layout, see {@link TileValues}), `valid` one byte per pixel of `frame`
   * (null: all valid). Returns the regions this tile completed.
   */
  add(
    spec: TileSpec,
    frame: Window,
    values: Float32Array | TileValues,
    bands: number,
    valid: Uint8Array | null,
  ): Region[] {
    if (this.#bands === 0) {
      this.#bands = bands;
      return [...this.#replayWaiting(), ...this.add(spec, frame, values, bands, valid)];
    }
    if (bands !== this.#bands)
      throw new TilecastError("E_ARGUMENT", `tile ${spec.id} has ${bands} bands, earlier tiles had ${this.#bands}`);
    const n = frame.width * frame.height;
    const v = values instanceof Float32Array ? { data: values, offset: 0, bandStride: n, pixelStride: 1 } : values;
    if (v.offset + (bands - 1) * v.bandStride + (n - 1) * v.pixelStride >= v.data.length)
      throw new TilecastError("E_ARGUMENT", `tile ${spec.id}: prediction size does not match its window`);
    return this.#add(spec, frame, v, valid);
  }

  /** Add a tile that has no prediction (all nodata): it covers its regions with nodata. */
  addEmpty(spec: TileSpec): Region[] {
    if (this.#bands === 0) {
      this.#waiting.push(spec);
      return [];
    }
    return this.#add(spec, spec.read, null, null);
  }

  #replayWaiting(): Region[] {
    return this.#waiting.splice(0).flatMap((s) => this.#add(s, s.read, null, null));
  }

  #add(spec: TileSpec, frame: Window, values: TileValues | null, valid: Uint8Array | null): Region[] {
    const c = this.#contribution(spec);
    const base = this.#base(spec); // the weights' frame (before clipping)
    const done: Region[] = [];
    for (const py of pieces(c.y, c.y + c.height, this.#y.L, false))
      for (const px of pieces(c.x, c.x + c.width, this.#x.L, this.#x.periodic)) {
        const sy0 = segmentOf(this.#y.cuts, py.start);
        const sx0 = segmentOf(this.#x.cuts, px.start);
        for (let sy = sy0; sy < this.#y.cuts.length - 1 && (this.#y.cuts[sy] as number) < py.end; sy++)
          for (let sx = sx0; sx < this.#x.cuts.length - 1 && (this.#x.cuts[sx] as number) < px.end; sx++) {
            const r = this.#region(sx, sy);
            const ox = px.offset - px.start + (c.x - frame.x); // raster x -> frame column
            const oy = py.offset - py.start + (c.y - frame.y);
            const cx = px.offset - px.start + (c.x - base.x); // raster x -> weight index
            const cy = py.offset - py.start + (c.y - base.y);
            this.#accumulate(r, frame, values, valid, ox, oy, cx, cy);
            if (--r.remaining === 0) {
              this.#open.delete(sy * (this.#x.cuts.length - 1) + sx);
              done.push(this.#finalize(r));
            }
          }
      }
    return done;
  }

  /** Regions no tile covers (nodata); throws if any region still waits for tiles. */
  finish(): Region[] {
    if (this.#waiting.length > 0) {
      this.#bands = 1; // every tile was empty and no band count was given
      const early = this.#replayWaiting();
      if (early.length > 0 || this.#open.size > 0) return [...early, ...this.finish()];
    }
    if (this.#open.size > 0)
      throw new TilecastError("E_WRITE", `${this.#open.size} output regions never received all their tiles`);
    const out: Region[] = [];
    const nx = this.#x.cuts.length - 1;
    for (let sy = 0; sy < this.#y.cuts.length - 1; sy++)
      for (let sx = 0; sx < nx; sx++)
        if (
          (this.#x.count[sx] as number) * (this.#y.count[sy] as number) === 0 &&
          this.#inPlan(this.#x.cuts[sx] as number, this.#y.cuts[sy] as number)
        )
          out.push(this.#finalize(this.#newRegion(sx, sy, Math.max(this.#bands, 1))));
    return out;
  }

  #region(sx: number, sy: number): Open {
    const key = sy * (this.#x.cuts.length - 1) + sx;
    let r = this.#open.get(key);
    if (!r) {
      r = this.#newRegion(sx, sy, this.#bands);
      this.#open.set(key, r);
    }
    return r;
  }

  #newRegion(sx: number, sy: number, bands: number): Open {
    const x = this.#x.cuts[sx] as number;
    const y = this.#y.cuts[sy] as number;
    const window = { x, y, width: (this.#x.cuts[sx + 1] as number) - x, height: (this.#y.cuts[sy + 1] as number) - y };
    const n = window.width * window.height;
    const remaining = (this.#x.count[sx] as number) * (this.#y.count[sy] as number);
    const single = remaining <= 1;
    return { window, remaining, single, ...this.#arrays.take(single, bands, n) };
  }

  #accumulate(
    r: Open,
    frame: Window,
    values: TileValues | null,
    valid: Uint8Array | null,
    ox: number,
    oy: number,
    cx: number,
    cy: number,
  ): void {
    if (!values) return; // an empty tile: weight 0 everywhere
    const { x: rx, y: ry } = r.window;
    accumulate(r, this.#bands, values, frame.width, rx + ox, ry + oy, valid, this.#wx, this.#wy, rx + cx, ry + cy);
  }

  #finalize(r: Open): Region {
    const done = finalizeRegion(r, this.#dtype, this.#nodata, this.#packing);
    this.#arrays.give(r);
    return done;
  }
}
