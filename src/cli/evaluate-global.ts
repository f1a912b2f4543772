/**
 * `tilecast evaluate <forecast.zarr> <observations> --rmse`: a global forecast's
 * latitude-weighted RMSE and ACC per lead, beside persistence and climatology, as a table; `--plot`
 * draws RMSE against lead time.
 */
import { writeLineChart } from "../io/png/line-chart.js";
import type { GlobalEvaluation } from "../pipeline/evaluate-global.js";

const f = (v: number) => (Number.isNaN(v) ? "   -  " : v.toFixed(4));
const NAMES = ["model", "persistence", "climatology"] as const;
const hours = (minutes: number) => `${minutes / 60} h`;

/** The scores as a table, one row per lead. */
export function globalTable(r: GlobalEvaluation): string {
  const u = r.units ? ` (${r.units})` : "";
  const c = r.climatology;
  const lines = [
    `${r.forecast}: ${r.cycles.length} cycles of ${r.variable} against ${r.observations}`,
    `  climatology: the mean of ${c.steps} states, ${c.from} to ${c.until}`,
    `  lead      RMSE${u}: ${NAMES.map((m) => m.padStart(12)).join("")}   ACC: ${NAMES.slice(0, 2)
      .map((m) => m.padStart(12))
      .join("")}`,
  ];
  r.leadMinutes.forEach((lead, k) => {
    const rmse = NAMES.map((m) => f(r.methods[m].rmse[k] as number).padStart(12)).join("");
    const acc = NAMES.slice(0, 2)
      .map((m) => f(r.methods[m].acc[k] as number).padStart(12))
      .join("");
    lines.push(`  ${hours(lead).padEnd(8)}  ${" ".repeat(u.length + 5)}${rmse}        ${acc}`);
  });
  return lines.join("\n");
}

/** RMSE against lead time, one line per method. */
export async function plotGlobal(path: string, r: GlobalEvaluation): Promise<void> {
  await writeLineChart(path, {
    title: `Latitude-weighted RMSE of ${r.variable}, ${r.cycles.length} cycles`,
    x: "lead time (h)",
    y: `RMSE${r.units ? ` (${r.units})` : ""}`,
    series: NAMES.map((m) => ({
      name: m,
      points: r.leadMinutes.map((lead, k) => [lead / 60, r.methods[m].rmse[k] as number] as const),
      dashed: m !== "model",
    })),
  });
}
