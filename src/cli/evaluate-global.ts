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
  const col = (v: string) => v.padStart(13);
  const lines = [
    `${r.forecast}: ${r.cycles.length} cycles of ${r.variable} against ${r.observations}`,
    `  climatology: the mean of ${c.steps} states, ${c.from} to ${c.until}`,
    `  ${"".padEnd(6)}${col(`RMSE${u}`)}${"".padEnd(26)}${col("ACC")}`,
    `  ${"lead".padEnd(6)}${NAMES.map(col).join("")}${NAMES.slice(0, 2).map(col).join("")}`,
  ];
  r.leadMinutes.forEach((lead, k) => {
    const rmse = NAMES.map((m) => col(f(r.methods[m].rmse[k] as number))).join("");
    const acc = NAMES.slice(0, 2)
      .map((m) => col(f(r.methods[m].acc[k] as number)))
      .join("");
    lines.push(`  ${hours(lead).padEnd(6)}${rmse}${acc}`);
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
