/**
 * tilecast's EPSG codes against PROJ from WGS 84: for each case of scripts/epsg-shift-survey.py
 * (a file, or stdin), how far tilecast puts the point from where PROJ puts it. Prints the counts
 * past 1 cm, 1 m and 100 m, and the worst; `--json out.json` writes every distance.
 *
 * Run through scripts/epsg-shift-survey.sh.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { crsFromEpsg, transformPoint } from "../dist/index.js";

const args = process.argv.slice(2);
const json = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const input = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--json");
const cases = JSON.parse(readFileSync(input ?? 0, "utf8"));
const wgs84 = crsFromEpsg(4326);
const rows = cases.map((c) => {
  try {
    const [x, y] = transformPoint(wgs84, crsFromEpsg(c.code), c.p);
    const metres = c.geographic
      ? Math.hypot((x - c.xy[0]) * 111_320 * Math.cos((c.p[1] * Math.PI) / 180), (y - c.xy[1]) * 110_540)
      : Math.hypot(x - c.xy[0], y - c.xy[1]) * c.unit;
    return { code: c.code, metres: Number.isFinite(metres) ? metres : null, op: c.op };
  } catch (e) {
    return { code: c.code, metres: null, error: String(e.message ?? e).slice(0, 100), op: c.op };
  }
});
const past = (m) => rows.filter((r) => r.metres !== null && r.metres > m).length;
console.log(`${rows.length} EPSG CRSs from WGS 84 against PROJ:`);
console.log(`  more than 1 cm: ${past(0.01)}, 1 m: ${past(1)}, 100 m: ${past(100)}; not transformed: ${rows.filter((r) => r.metres === null).length}`);
for (const r of [...rows].filter((r) => r.metres !== null).sort((a, b) => b.metres - a.metres).slice(0, 10)) {
  console.log(`  EPSG:${r.code} ${r.metres.toFixed(2)} m (PROJ: ${r.op.slice(0, 90)})`);
}
if (json) writeFileSync(json, JSON.stringify(rows));
