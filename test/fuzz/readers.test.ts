/**
 * The readers under seeded hostile input (test/fuzz/): every case ends in a one-line
 * TilecastError naming the file, or in pixels equal to what GDAL / zarr-python read from the
 * same file; never a hang, a crash, memory past the budget or a silent difference. `npm run fuzz`
 * runs thousands of cases; this runs a few hundred.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasGdal } from "../helpers/gdal.js";
import { fuzz } from "./harness.js";

describe.skipIf(!hasGdal)("fuzzing the readers", () => {
  it("300 seeded cases: clean errors or reference-equal pixels, nothing else", async () => {
    const r = await fuzz({ seed: 11, cases: 300, dir: mkdtempSync(join(tmpdir(), "tilecast-fuzz-")), gdal: true });
    console.log("fuzz", JSON.stringify(r.counts), `${r.seconds} s`);
    expect(r.findings.map((f) => `${f.bucket} ${f.case.family} ${f.case.path}: ${f.detail}`)).toStrictEqual([]);
    // Where tensorstore is installed (bench:setup), Zarr v3 bases join the mix and the cases differ;
    // a case GDAL's own pixels are undefined for, or one the reference died on, is not a finding
    // (harness.ts).
    const { clean = 0, equal = 0, undefinedInReference = 0, crashedReference = 0 } = r.counts;
    expect(clean + equal + undefinedInReference + crashedReference).toBe(300);
    expect(r.counts.clean).toBeGreaterThan(100); // the mutations do break files
    expect(r.counts.equal).toBeGreaterThan(10); // and some still read, checked against GDAL/zarr-python
  }, 300_000);

  it("80 seeded cases on a GeoTIFF with an internal mask: clean errors or reference-equal pixels", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tilecast-fuzz-mask-"));
    const r = await fuzz({ seed: 12, cases: 80, dir, gdal: true, masked: true });
    console.log("fuzz (masked)", JSON.stringify(r.counts), `${r.seconds} s`);
    expect(r.findings.map((f) => `${f.bucket} ${f.case.family} ${f.case.path}: ${f.detail}`)).toStrictEqual([]);
    const { clean = 0, equal = 0, undefinedInReference = 0, crashedReference = 0 } = r.counts;
    expect(clean + equal + undefinedInReference + crashedReference).toBe(80);
    expect(r.counts.clean).toBeGreaterThan(20);
    expect(r.counts.equal).toBeGreaterThan(0); // most mutations break this file; some still read
  }, 300_000);
});
