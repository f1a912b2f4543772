/**
 * Quicklook PNGs: one band as grey or three as RGB, stretched between the 2nd and 98th
 * percentiles of the valid cells, nodata transparent, shrunk (nearest) to at most `maxSize`
 * pixels a side. Written atomically with sharp.
 *
 * @example
 * ```ts
 * import { createGrid, writeQuicklook } from "tilecast";
 * const g = createGrid("float32", [1, 64, 64], { data: Float32Array.from({ length: 4096 }, (_, i) => i % 64) });
 * await writeQuicklook(g, "/tmp/ramp.png");
 * ```
 */
import { errorLine, TilecastError } from "../../errors.js";
import { type Grid, validMask } from "../../grid/grid.js";
import { quantilePair } from "../../util/select.js";
import { discard, ensureParent, publish, tempPathFor, trackTemp } from "../atomic.js";

/** sharp (libvips) loads on first use: most runs never need it. */
const loadSharp = async () => (await import("sharp")).default;

/** Options for {@link writeQuicklook}. */
export interface QuicklookOptions {
  /** Bands to show: one (grey) or three (RGB); default the first three, or the first. */
  bands?: readonly number[];
  /** Longest side in pixels (default 512). */
  maxSize?: number;
  /** Stretch `[low, high]` per shown band (default the 2nd and 98th percentiles). */
  ranges?: readonly (readonly [number, number])[];
}

/** The `lo` and `hi` quantiles of `values` (reordered), as a sort would give them; [0, 1] for none. */
function percentiles(values: Float64Array, lo: number, hi: number): [number, number] {
  return values.length === 0 ? [0, 1] : quantilePair(values, lo, hi);
}

/** Refuse bands of a quicklook that are not one (gray) or three (red, green, blue) of `g`'s. */
function checkBands(g: Grid, bands: readonly number[]): void {
  const nb = g.shape[0] as number;
  const fail = (problem: string) => new TilecastError("E_ARGUMENT", `quicklook bands ${bands.join(", ")}: ${problem}`);
  if (bands.length !== 1 && bands.length !== 3)
    throw fail(`one band (gray) or three (red, green, blue), not ${bands.length}`);
  if (bands.some((b) => !Number.isInteger(b) || b < 0 || b >= nb))
    throw fail(`the raster has ${nb} bands (0 to ${nb - 1})`);
}

/** The 2nd and 98th percentiles of the valid cells of each band, sampled every `step` pixels. */
export function stretchRanges(g: Grid, bands: readonly number[], step = 1, valid = validMask(g)): [number, number][] {
  checkBands(g, bands);
  const [, h, w] = g.shape as [number, number, number];
  const plane = w * h;
  const vals = new Float64Array(Math.ceil(h / step) * Math.ceil(w / step));
  return bands.map((b) => {
    let n = 0;
    for (let y = 0; y < h; y += step)
      for (let x = 0; x < w; x += step) {
        const i = b * plane + y * w + x;
        const v = g.data[i] as number;
        if (valid[i] && Number.isFinite(v)) vals[n++] = v;
      }
    return percentiles(vals.subarray(0, n), 0.02, 0.98);
  });
}

/** Render `g` (dims band, y, x) to 8-bit RGBA pixels; exported for tests. */
export function renderQuicklook(
  g: Grid,
  o: QuicklookOptions = {},
): { rgba: Uint8Array; width: number; height: number } {
  const [nb, h, w] = g.shape as [number, number, number];
  const bands = o.bands ?? (nb >= 3 ? [0, 1, 2] : [0]);
  checkBands(g, bands);
  const max = o.maxSize ?? 512;
  const step = Math.max(1, Math.ceil(Math.max(w, h) / max));
  const ow = Math.ceil(w / step);
  const oh = Math.ceil(h / step);
  const valid = validMask(g);
  const rgba = new Uint8Array(ow * oh * 4);
  const plane = w * h;
  const ranges = o.ranges ?? stretchRanges(g, bands, step, valid);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const src = oy * step * w + ox * step;
      const dst = (oy * ow + ox) * 4;
      let ok = true;
      for (let c = 0; c < 3; c++) {
        const bi = bands.length === 3 ? c : 0;
        const b = bands[bi] as number;
        const [lo, hi] = ranges[bi] as [number, number];
        const i = b * plane + src;
        if (!valid[i]) ok = false;
        const v = ((g.data[i] as number) - lo) / (hi - lo || 1);
        rgba[dst + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
      rgba[dst + 3] = ok ? 255 : 0;
    }
  }
  return { rgba, width: ow, height: oh };
}

/** Write a quicklook PNG of `g` to `path` (atomically). */
export async function writeQuicklook(g: Grid, path: string, o: QuicklookOptions = {}): Promise<void> {
  const { rgba, width, height } = renderQuicklook(g, o);
  await writePng(rgba, width, height, path);
}

/** Write 8-bit RGBA pixels as a PNG (atomically). */
export async function writePng(rgba: Uint8Array, width: number, height: number, path: string): Promise<void> {
  await ensureParent(path);
  const temp = tempPathFor(path);
  trackTemp(temp);
  try {
    await (await loadSharp())(rgba, { raw: { width, height, channels: 4 } })
      .png()
      .toFile(temp);
    await publish(temp, path);
  } catch (e) {
    await discard(temp);
    if (e instanceof TilecastError) throw e; // a refusal to replace the path, which it names
    throw new TilecastError("E_WRITE", `cannot write quicklook (${errorLine(e)})`, {
      path,
      cause: e,
    });
  }
}
