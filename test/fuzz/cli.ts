/**
 * `npm run fuzz [-- --cases N --seed S --masked --keep]`: a longer fuzz run than the test suite's,
 * with a report. `--masked` mutates only a GeoTIFF with an internal mask. The cases (a few GB for
 * 3000) are removed after a clean run and kept, to reproduce the findings, after one with any;
 * `--keep` keeps them always.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fuzz } from "./harness.js";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const dir = mkdtempSync(join(tmpdir(), "tilecast-fuzz-"));
const masked = process.argv.includes("--masked");
const r = await fuzz({ seed: arg("seed", 1), cases: arg("cases", 3000), dir, gdal: true, masked });
console.log(JSON.stringify(r.counts));
for (const f of r.findings) console.log(`${f.bucket}\t${f.case.family}\t${f.case.path}\t${f.detail}`);
const keep = r.findings.length > 0 || process.argv.includes("--keep");
if (!keep) rmSync(dir, { recursive: true, force: true });
console.log(`${r.seconds} s; cases ${keep ? `in ${dir}` : "removed"}`);
process.exitCode = r.findings.length > 0 ? 1 : 0;
