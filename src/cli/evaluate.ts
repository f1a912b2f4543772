/**
 * `tilecast evaluate <prediction> <truth>`:
 * - `--classes N`: score a class raster against a reference (per-class IoU and F1, means, pixel
 *   accuracy);
 * - `--rmse`: score a global forecast store against the observed series, per lead time, beside
 *   persistence and climatology (latitude-weighted RMSE, ACC); `--plot` draws RMSE against lead;
 * - `--thresholds 1,5`: score a nowcast store against the observed series, per lead time, beside
 *   persistence and motion extrapolation (CSI, POD, FAR); `--plot` draws CSI against lead time.
 *
 * A table, or JSON with `--json`; `--out` also writes the JSON to a file (atomically).
 */
import { atomicWrite } from "../io/atomic.js";
import { writeLineChart } from "../io/png/line-chart.js";
import { evaluateClasses } from "../pipeline/evaluate.js";
import { evaluateGlobal } from "../pipeline/evaluate-global.js";
import { evaluateNowcast, type NowcastEvaluation } from "../pipeline/evaluate-nowcast.js";
import { evaluationKind, thresholdsOf } from "./evaluate-flags.js";
import { globalTable, plotGlobal } from "./evaluate-global.js";

/** Flags of `tilecast evaluate`. */
export interface EvaluateFlags {
  classes?: number;
  names?: string;
  thresholds?: string;
  rmse?: boolean;
  climatologyUntil?: string;
  plot?: string;
  json?: boolean;
  out?: string;
}

const toJson = (v: unknown) =>
  `${JSON.stringify(v, (_k, x) => (typeof x === "number" && Number.isNaN(x) ? null : x), 1)}\n`;

function nowcastTable(r: NowcastEvaluation): string {
  const names = Object.keys(r.methods) as (keyof NowcastEvaluation["methods"])[];
  const lines = [`${r.forecast}: ${r.cycles.length} cycles against ${r.observations}`];
  r.thresholds.forEach((th, j) => {
    lines.push(`  CSI at ${th}:  lead  ${names.map((m) => m.padStart(15)).join("")}`);
    r.leadMinutes.forEach((lead, k) => {
      const cells = names.map((m) => f(r.methods[m].csi[j]?.[k] as number).padStart(15)).join("");
      lines.push(`  ${" ".repeat(String(th).length + 8)}${String(lead).padStart(4)}  ${cells}`);
    });
  });
  return lines.join("\n");
}

/** CSI against lead time, one line per method and threshold. */
export async function plotNowcast(path: string, r: NowcastEvaluation): Promise<void> {
  const names = Object.keys(r.methods) as (keyof NowcastEvaluation["methods"])[];
  await writeLineChart(path, {
    title: `CSI by lead time, ${r.cycles.length} cycles`,
    x: "lead time (min)",
    y: "CSI",
    series: r.thresholds.flatMap((th, j) =>
      names.map((m) => ({
        name: `${m} ≥ ${th}`,
        points: r.leadMinutes.map((lead, k) => [lead, r.methods[m].csi[j]?.[k] as number] as const),
        dashed: m !== "model",
      })),
    ),
  });
}

const f = (v: number) => (Number.isNaN(v) ? "  -   " : v.toFixed(4));

/** Evaluate and print. */
export async function evaluateCommand(prediction: string, truth: string, o: EvaluateFlags): Promise<void> {
  const kind = evaluationKind(o);
  if (kind === "rmse") {
    const r = await evaluateGlobal(
      prediction,
      truth,
      o.climatologyUntil ? { climatologyUntil: o.climatologyUntil } : {},
    );
    if (o.out) await atomicWrite(o.out, toJson(r));
    if (o.plot) await plotGlobal(o.plot, r);
    process.stdout.write(o.json ? toJson(r) : `${globalTable(r)}\n`);
    return;
  }
  if (kind === "thresholds") {
    const r = await evaluateNowcast(prediction, truth, { thresholds: thresholdsOf(o.thresholds ?? "") });
    if (o.out) await atomicWrite(o.out, toJson(r));
    if (o.plot) await plotNowcast(o.plot, r);
    process.stdout.write(o.json ? toJson(r) : `${nowcastTable(r)}\n`);
    return;
  }
  const names = o.names?.split(",").map((s) => s.trim());
  const r = await evaluateClasses(prediction, truth, { classes: o.classes as number, ...(names ? { names } : {}) });
  const json = toJson(r);
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
