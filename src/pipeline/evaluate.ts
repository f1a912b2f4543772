/**
 * `evaluateClasses(prediction, truth)`: score a class raster against a reference on the same
 * grid (`tilecast evaluate`): per-class IoU and F1, their means over the classes present, and
 * pixel accuracy, from one confusion matrix accumulated strip by strip (memory bounded by one
 * strip, whatever the scene size). Cells that are nodata in either raster are left out. The grids
 * must match (as {@link checkAligned} checks).
 *
 * @example
 * ```ts
 * import { evaluateClasses } from "tilecast/pipeline";
 * const s = await evaluateClasses("fixtures/scene-seg/test.labels.u8.tif", "fixtures/scene-seg/test.labels.u8.tif", { classes: 4 });
 * console.log(s.meanIou, s.cells); // 1 144530
 * ```
 */
import { TilecastError } from "../errors.js";
import { pixelValidity } from "../grid/grid.js";
import { openSource } from "../io/registry.js";
import { confusionMatrix, matrixAccuracy, matrixF1, matrixIou } from "../nn/metrics.js";
import { checkAligned } from "./aligned.js";
import { checkClasses } from "./label-classes.js";

/** Scores of a class raster. */
export interface ClassEvaluation {
  prediction: string;
  truth: string;
  classes: string[];
  /** Per class, in order; NaN (null in JSON) for a class absent from both. */
  iou: number[];
  f1: number[];
  meanIou: number;
  meanF1: number;
  accuracy: number;
  /** Cells scored (valid in both). */
  cells: number;
  /** `[truth][predicted]` counts. */
  confusion: number[][];
}

/** Score `prediction` against `truth`; see the module documentation. */
export async function evaluateClasses(
  prediction: string,
  truth: string,
  options: { classes: number; names?: readonly string[]; rows?: number },
): Promise<ClassEvaluation> {
  const k = options.classes;
  if (options.names && options.names.length !== k)
    throw new TilecastError("E_ARGUMENT", `${options.names.length} class names for ${k} classes`);
  const p = await openSource(prediction);
  const t = await openSource(truth).catch(async (e) => {
    await p.close();
    throw e;
  });
  try {
    checkAligned(t.meta, p.meta, { subject: "the prediction is", of: "truth" });
    const m = new Float64Array(k * k);
    const { width, height } = t.meta;
    const rows = options.rows ?? Math.max(1, Math.floor(4_000_000 / width));
    for (let y = 0; y < height; y += rows) {
      const w = { x: 0, y, width, height: Math.min(rows, height - y) };
      const [pg, tg] = await Promise.all([p.readWindow(w, { bands: [0] }), t.readWindow(w, { bands: [0] })]);
      const pv = pixelValidity(pg);
      const tv = pixelValidity(tg);
      const valid = pv && tv ? pv.map((v, i) => v & (tv[i] as number)) : (pv ?? tv);
      const what = `--classes ${k} takes integers 0 to ${k - 1}`;
      checkClasses(pg.data, valid, k, prediction, w, what);
      checkClasses(tg.data, valid, k, truth, w, what);
      const part = confusionMatrix(pg.data, tg.data, k, valid);
      for (let i = 0; i < m.length; i++) m[i] = (m[i] as number) + (part[i] as number);
    }
    const iou = matrixIou(m, k);
    const f1 = matrixF1(m, k);
    let cells = 0;
    for (const v of m) cells += v;
    return {
      prediction,
      truth,
      classes: options.names ? [...options.names] : Array.from({ length: k }, (_, i) => `class ${i}`),
      iou: iou.perClass,
      f1: f1.perClass,
      meanIou: iou.mean,
      meanF1: f1.mean,
      accuracy: matrixAccuracy(m, k),
      cells,
      confusion: Array.from({ length: k }, (_, r) => Array.from(m.subarray(r * k, (r + 1) * k))),
    };
  } finally {
    await Promise.allSettled([p.close(), t.close()]);
  }
}
