/**
 * A quicklook taken while a raster is written: {@link QuicklookSampler} keeps, from each region
 * as it passes, the cells a quicklook shows (every `step`-th pixel, nearest), so the PNG needs
 * no second read of the output and has no size limit: a 100k-pixel scene costs the same
 * 512-pixel sample as a small one. The PNG equals {@link writeQuicklook} of the whole raster.
 *
 * @example
 * ```ts
 * import { createGrid, QuicklookSampler } from "tilecast";
 * const q = new QuicklookSampler(64, 64, 1, { maxSize: 32 });
 * q.add({ window: { x: 0, y: 0, width: 64, height: 64 }, grid: createGrid("float32", [1, 64, 64]) });
 * await q.write("/tmp/sampled.png");
 * ```
 */
import { createGrid, type Grid } from "../../grid/grid.js";
import type { Window } from "../../grid/window.js";
import { type QuicklookOptions, writeQuicklook } from "./quicklook.js";

/** Collects a quicklook's cells from regions of a `width` x `height` raster; see the module documentation. */
export class QuicklookSampler {
  /** Pixels between samples, on both axes. */
  readonly step: number;
  readonly #bands: readonly number[];
  readonly #sample: Grid<"float64">;
  readonly #valid: Uint8Array;
  readonly #options: QuicklookOptions;

  constructor(width: number, height: number, bands: number, options: QuicklookOptions = {}) {
    this.step = Math.max(1, Math.ceil(Math.max(width, height) / (options.maxSize ?? 512)));
    this.#bands = options.bands ?? (bands >= 3 ? [0, 1, 2] : [0]);
    const ow = Math.ceil(width / this.step);
    const oh = Math.ceil(height / this.step);
    this.#valid = new Uint8Array(this.#bands.length * ow * oh); // unwritten cells stay invalid
    this.#sample = createGrid("float64", [this.#bands.length, oh, ow], { mask: this.#valid });
    this.#options = options;
  }

  /** Take the sampled cells inside `region` (a `(bands, h, w)` grid at `window`). */
  add(region: { readonly window: Window; readonly grid: Grid }): void {
    const { window: w, grid: g } = region;
    const [, gh, gw] = g.shape as [number, number, number];
    const [, oh, ow] = this.#sample.shape as [number, number, number];
    // A tile's read window may reach past the raster (its halo): those cells are not sampled.
    const [y0, y1, x0, x1] = this.#cellsOf(w).map((v) => Math.max(0, v)) as [number, number, number, number];
    const cells = { y0, y1, x0, x1, step: this.step, wx: w.x, wy: w.y, gw };
    this.#bands.forEach((band, k) => {
      takeBand(g.data, g.mask, g.nodata, band * gh * gw, this.#sample.data, this.#valid, k * oh * ow, ow, cells);
    });
  }

  /** The sample cells whose pixels lie in `w`: rows and columns `[y0, y1) x [x0, x1)`. */
  #cellsOf(w: Window): [number, number, number, number] {
    const [, oh, ow] = this.#sample.shape as [number, number, number];
    const s = this.step;
    const lo = (v: number, n: number) => Math.min(n, Math.ceil(v / s));
    return [lo(w.y, oh), lo(w.y + w.height, oh), lo(w.x, ow), lo(w.x + w.width, ow)];
  }

  /**
   * The sampled cells whose pixels lie in `window`, as bytes (float64 values, then validity),
   * for {@link putCells}: how a run done in parts keeps each part's share of the quicklook.
   */
  cells(window: Window): Uint8Array {
    const [y0, y1, x0, x1] = this.#cellsOf(window);
    const [nb, oh, ow] = this.#sample.shape as [number, number, number];
    const cols = x1 - x0;
    const n = nb * (y1 - y0) * cols;
    const out = new Uint8Array(n * 9);
    const values = new Float64Array(out.buffer, 0, n);
    const valid = out.subarray(n * 8);
    const data = this.#sample.data as Float64Array;
    let i = 0;
    for (let k = 0; k < nb; k++)
      for (let y = y0; y < y1; y++, i += cols) {
        const from = k * oh * ow + y * ow + x0;
        values.set(data.subarray(from, from + cols), i);
        valid.set(this.#valid.subarray(from, from + cols), i);
      }
    return out;
  }

  /** Put back cells taken by {@link cells} for the same `window`. */
  putCells(window: Window, bytes: Uint8Array): void {
    const [y0, y1, x0, x1] = this.#cellsOf(window);
    const [nb, oh, ow] = this.#sample.shape as [number, number, number];
    const cols = x1 - x0;
    const n = nb * (y1 - y0) * cols;
    const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice(); // for the float64 view
    const values = new Float64Array(aligned.buffer, aligned.byteOffset, n);
    const valid = aligned.subarray(n * 8, n * 9);
    const data = this.#sample.data as Float64Array;
    let i = 0;
    for (let k = 0; k < nb; k++)
      for (let y = y0; y < y1; y++, i += cols) {
        const to = k * oh * ow + y * ow + x0;
        data.set(values.subarray(i, i + cols), to);
        this.#valid.set(valid.subarray(i, i + cols), to);
      }
  }

  /** The cells sampled so far: `(shown bands, h / step, w / step)`, unsampled cells masked. */
  get sample(): Grid {
    return this.#sample;
  }

  /** Write the quicklook PNG (atomically). */
  async write(path: string): Promise<void> {
    const bands = this.#bands.map((_, k) => k);
    await writeQuicklook(this.#sample, path, { ...this.#options, bands, maxSize: Number.POSITIVE_INFINITY });
  }
}

/** The sampled cells of one band: which ones, and where the region's grid holds them. */
interface Cells {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
  step: number;
  /** The region's window origin and width: cell (ox, oy) is grid pixel (ox * step - wx, oy * step - wy). */
  wx: number;
  wy: number;
  gw: number;
}

/**
 * Copy one band's sampled cells (plane at `base` of `data`) into the sample's plane at `outBase`,
 * each valid unless the grid's mask clears it or it holds `nodata`. The loop bounds and the
 * nodata test are set once, not per cell (one 8192² job made 2 million of these copies).
 */
function takeBand(
  data: ArrayLike<number>,
  mask: Uint8Array | null,
  nodata: number | null,
  base: number,
  out: Float64Array,
  valid: Uint8Array,
  outBase: number,
  ow: number,
  c: Cells,
): void {
  const nanNodata = nodata !== null && Number.isNaN(nodata);
  for (let oy = c.y0; oy < c.y1; oy++) {
    const row = base + (oy * c.step - c.wy) * c.gw - c.wx;
    for (let ox = c.x0, o = outBase + oy * ow + ox; ox < c.x1; ox++, o++) {
      const i = row + ox * c.step;
      const v = data[i] as number;
      const missing = (mask !== null && !mask[i]) || (nanNodata ? Number.isNaN(v) : v === nodata);
      out[o] = v;
      valid[o] = missing ? 0 : 1;
    }
  }
}
