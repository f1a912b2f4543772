/**
 * Class labels checked as they are read. A label raster with a value that is no class (7 where
 * the model has 4, a 0-255 mask where it has 2) trained the model without a word, exit 0: a
 * class index past the model's channels is an all-zero one-hot target, which adds nothing to
 * the loss. `evaluate` blamed such a value in the truth on the prediction. Both now name the
 * file, the cell and the value.
 *
 * Internal (used by `train.ts` and `evaluate.ts`).
 */
import { TilecastError } from "../errors.js";
import { pixelValidity } from "../grid/grid.js";
import type { Window } from "../grid/window.js";
import type { GridSource, ReadOptions } from "../io/types.js";
import type { Pipeline } from "./config.js";

/** Losses whose targets are classes. */
const CLASS_LOSSES = new Set(["categorical-crossentropy", "binary-crossentropy", "dice", "focal"]);

/**
 * Whether the pipeline trains on class labels: its model segments (a U-Net, or `train.classes`
 * named) and every loss takes classes (a U-Net trained with mse regresses values).
 */
export function trainsOnClasses(p: Pipeline): boolean {
  const t = p.train;
  if (!t || t.sequence || !(t.classes || p.model.type === "unet")) return false;
  return [t.loss].flat().every((l) => CLASS_LOSSES.has(typeof l === "string" ? l : l.type));
}

/**
 * Refuse a valid cell of `values` (the rows of window `w`) that is not an integer in [0, k),
 * naming `file`, the cell and `what` the classes are. NaN and cells `valid` marks 0 are no cells.
 */
export function checkClasses(
  values: ArrayLike<number>,
  valid: Uint8Array | null,
  k: number,
  file: string,
  w: Window,
  what: string,
): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if ((valid && !valid[i]) || v !== v || (Number.isInteger(v) && v >= 0 && v < k)) continue;
    const [row, col] = [w.y + Math.floor(i / w.width), w.x + (i % w.width)];
    throw new TilecastError("E_ARGUMENT", `${v} at row ${row}, column ${col} is not a class: ${what}`, {
      path: file,
    });
  }
}

/**
 * `labels` (one band of class indices) whose every read is checked against `k` classes; a
 * source of several bands (one-hot or soft targets) is returned as it is.
 */
export function classLabels(labels: GridSource, k: number): GridSource {
  if (labels.meta.bands !== 1) return labels;
  const nodata = labels.meta.nodata === null ? "" : `; ${labels.meta.nodata} is its nodata`;
  const what = `the model has ${k} classes, 0 to ${k - 1}${nodata}`;
  return {
    meta: labels.meta,
    close: () => labels.close(),
    async readWindow(w: Window, options?: ReadOptions) {
      const g = await labels.readWindow(w, options);
      // Cells past the raster's edge are nodata or masked: not checked.
      checkClasses(g.data, pixelValidity(g), k, labels.meta.path, w, what);
      return g;
    },
  };
}
