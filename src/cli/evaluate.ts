/**
 * `tilecast evaluate <prediction> <truth> --classes N`: score a class raster against a reference
 * (per-class IoU and F1, means, pixel accuracy) as a table, or JSON with `--json`; `--out` also
 * writes the JSON to a file (atomically).
 */
import { atomicWrite } from "../io/atomic.js";
import { evaluateClasses } from "../pipeline/evaluate.js";

/** Flags of `tilecast evaluate`. */
export interface EvaluateFlags {
  classes: number;
  names?: string;
  json?: boolean;
  out?: string;
}

const f = (v: number) => (Number.isNaN(v) ? "  -   " : v.toFixed(4));

/** Evaluate and print. */
export async function evaluateCommand(prediction: string, truth: string, o: EvaluateFlags): Promise<void> {
  const names = o.names?.split(",").map((s) => s.trim());
  const r = await evaluateClasses(prediction, truth, { classes: o.classes, ...(names ? { names } : {}) });
  const json = `${JSON.stringify(r, (_k, v) => (typeof v === "number" && Number.isNaN(v) ? null : v), 1)}\n`;
  if (o.out) await atomicWrite(o.out, json);
  if (o.json) {
    process.stdout.write(json);
    return;
  }
  const width = Math.max(8, ...r.classes.map((c) => c.length));
  const lines = [
    `${prediction} against ${truth}: ${r.cells} cells`,
    `  ${"class".padEnd(width)}  IoU     F1`,
    ...r.classes.map((c, i) => `  ${c.padEnd(width)}  ${f(r.iou[i] as number)}  ${f(r.f1[i] as number)}`),
    `  ${"mean".padEnd(width)}  ${f(r.meanIou)}  ${f(r.meanF1)}`,
    `  pixel accuracy ${f(r.accuracy)}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
