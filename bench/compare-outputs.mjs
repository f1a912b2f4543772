// Two rasters of the same shape, cell by cell: the largest difference and the share of cells that
// differ (NaN equals NaN). For the GPU check: a job's output on one provider against another's.
// Usage: node bench/compare-outputs.mjs A B (imports the built package: `npm run build`)
import { openSource } from "../dist/io/registry.js";

const [a, b] = await Promise.all(process.argv.slice(2, 4).map((p) => openSource(p)));
const { width, height, bands } = a.meta;
if (b.meta.width !== width || b.meta.height !== height || b.meta.bands !== bands) {
  console.error(
    `compare-outputs: shapes differ (${width}x${height}x${bands} against ${b.meta.width}x${b.meta.height}x${b.meta.bands})`,
  );
  process.exit(1);
}
let worst = 0;
let differ = 0;
let cells = 0;
for (let y = 0; y < height; y += 512) {
  const w = { x: 0, y, width, height: Math.min(512, height - y) };
  const [p, q] = await Promise.all([a.readWindow(w), b.readWindow(w)]);
  for (let i = 0; i < p.data.length; i++) {
    const u = Number(p.data[i]);
    const v = Number(q.data[i]);
    cells++;
    if (u === v || (Number.isNaN(u) && Number.isNaN(v))) continue;
    differ++;
    worst = Math.max(worst, Number.isNaN(u - v) ? Number.POSITIVE_INFINITY : Math.abs(u - v));
  }
}
console.log(JSON.stringify({ cells, maxDiff: worst, shareDiffering: differ / cells }));
