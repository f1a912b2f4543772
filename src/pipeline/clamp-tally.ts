/**
 * How many predicted values an integer output clamped to its range, over the whole output: those
 * of the regions this run stitched, and those kept with each finished part (the part file's
 * extra `clamped`, a float64), so a resumed run and `tilecast finalize` of a sharded one warn of
 * every clamped value, not only of the parts the last process ran.
 *
 * A stitched region is cut at tile edges, so a seam may lie across two parts: its count goes with
 * the first of them to finish (every region a part touches is stitched before the part's last
 * block is written). Where such a seam lies across parts of two runs, both may count it.
 *
 * Internal (used by `run.ts`, `run-output.ts` and `replay.ts`).
 */
import { intersect, isEmpty, type Window } from "../grid/window.js";
import type { Region } from "../tiling/region.js";

/** The part-file extra a part's count is kept in. */
export const CLAMPED_EXTRA = "clamped";

export class ClampTally {
  /** Every clamped value counted so far: stitched here, and kept with parts put back. */
  total = 0;
  /** Stitched regions with clamped values, until their part asks for them. */
  readonly #pending: { window: Window; clamped: number }[] = [];

  /** Count a stitched region's clamped values. */
  add(r: Region): void {
    if (!r.clamped) return;
    this.total += r.clamped;
    this.#pending.push({ window: r.window, clamped: r.clamped });
  }

  /** The extra to keep with the part over `window` (the count of the regions it touches), or none when they clamped nothing. */
  extra(window: Window): Record<string, Uint8Array> {
    let n = 0;
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const r = this.#pending[i] as { window: Window; clamped: number };
      if (isEmpty(intersect(r.window, window))) continue;
      n += r.clamped;
      this.#pending.splice(i, 1);
    }
    if (n === 0) return {};
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, n, true);
    return { [CLAMPED_EXTRA]: bytes };
  }

  /** Count what a kept part's extra says (none: it clamped nothing). */
  keep(bytes: Uint8Array | null): void {
    if (bytes?.byteLength === 8) this.total += new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
  }
}
