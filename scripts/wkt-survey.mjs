// Where tilecast puts each point of scripts/wkt-survey.py's texts against PROJ: the texts more
// than 1 cm off, and those it cannot transform, by method and form. Needs the built package.
import { readFileSync } from "node:fs";
import { parseCrs, transformPoint } from "../dist/index.js";

const cases = JSON.parse(readFileSync(process.argv[2] ?? 0, "utf8"));
const groups = new Map();
let off = 0;
let failed = 0;
for (const c of cases) {
  let what;
  try {
    const [x, y] = transformPoint(parseCrs(c.geo), parseCrs(c.wkt), c.point);
    // PROJ's always_xy order; a south-west grid's axes may come the other way round.
    const d = Math.min(Math.hypot(x - c.xy[0], y - c.xy[1]), Math.hypot(y - c.xy[0], x - c.xy[1]));
    if (d < 0.01) continue;
    off++;
    what = `${c.code}: ${Number.isFinite(d) ? `${d.toFixed(2)} m` : "not finite"}`;
  } catch (e) {
    failed++;
    what = `${c.code}: ${String(e instanceof Error ? e.message : e).slice(0, 90)}`;
  }
  const key = `${c.method} (${c.form})`;
  groups.set(key, [...(groups.get(key) ?? []), what]);
}
console.log(`${cases.length} texts: ${off} more than 1 cm from PROJ, ${failed} not transformed`);
// From WGS 84 the datum's shift counts too: PROJ picks the one for the point's region.
const wgs84 = parseCrs("EPSG:4326");
const from84 = cases.map((c) => {
  try {
    const [x, y] = transformPoint(wgs84, parseCrs(c.wkt), c.point);
    return Math.min(Math.hypot(x - c.xy84[0], y - c.xy84[1]), Math.hypot(y - c.xy84[0], x - c.xy84[1]));
  } catch {
    return null; // counted above
  }
});
const past = (m) => from84.filter((d) => d !== null && !(d <= m)).length;
console.log(`from WGS 84: ${past(0.01)} more than 1 cm from PROJ, ${past(1)} more than 1 m, ${past(100)} more than 100 m`);
for (const [key, list] of [...groups].sort((a, b) => b[1].length - a[1].length))
  console.log(`${list.length} ${key}: ${list.slice(0, 3).join("; ")}`);
