/**
 * The README's benchmark table from a results file:
 *   node --import tsx bench/table.ts bench/results/<date>-<host>.json
 */
import { readFileSync } from "node:fs";
import type { Outcome, SideSummary } from "./harness.js";

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const { outcomes } = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as { outcomes: Outcome[] };
/** Peak RSS, with its range over the runs where there were several (older files have none). */
const rss = (s: SideSummary) =>
  s.runs > 1 && s.rssSpread
    ? `${fmt(s.peakRssMb)} MB peak RSS [${fmt(s.rssSpread[0])}-${fmt(s.rssSpread[1])}]`
    : `${fmt(s.peakRssMb)} MB peak RSS`;
const side = (s: SideSummary, o: Outcome) =>
  o.target?.memory ? rss(s) : `${fmt(s.throughput)} ${o.unit}, ${fmt(s.peakRssMb)} MB`;
console.log("| workload | tilecast | reference | ratio (target) |");
console.log("| --- | --- | --- | --- |");
for (const o of outcomes) {
  if (o.skipped) {
    console.log(`| ${o.name} | ${o.skipped} | | |`);
    continue;
  }
  const goal =
    o.target?.min !== undefined
      ? ` (>= ${+o.target.min.toFixed(2)})`
      : o.target?.max !== undefined
        ? ` (<= ${+o.target.max.toFixed(2)})`
        : "";
  const verdict = o.met === false ? ", missed" : "";
  console.log(
    `| ${o.name} | ${side(o.tilecast, o)} | ${o.reference ? `${o.reference.tool}: ${side(o.reference, o)}` : ""} | ${o.ratio !== null ? `${o.ratio.toFixed(2)}${goal}${verdict}` : ""} |`,
  );
}
