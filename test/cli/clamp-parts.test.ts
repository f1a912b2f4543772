/**
 * The warning that an integer output clamped predicted values to its range counted only the
 * regions the last process stitched: `tilecast finalize` of a sharded run said nothing, and a
 * resumed run counted the parts it ran, not those kept from before. Each part now keeps its
 * count (clamp-tally.ts), and every way of making the output gives the count over all of it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runSceneJob } from "../../src/ops/queue.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

describe.skipIf(!hasGdal)("the clamp count of an output made in parts", () => {
  it("is the whole output's: in one run, from shards finalized, resumed, and in queued jobs' results", async () => {
    const dir = tmp("clamp-parts");
    mkdirSync(dir);
    const input = `${dir}/in.tif`;
    // 64 x 64 values x * y: those from 256 up do not fit uint8.
    py(`d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(input)}, 64, 64, 1, gdal.GDT_Float32)
d.SetGeoTransform((10, 1, 0, 50, 0, -1))
y, x = np.mgrid[0:64, 0:64]
d.GetRasterBand(1).WriteArray((x * y).astype("f4")); d = None
print("null")`);
    let over = 0;
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (x * y > 255) over++;
    const note = `${over} predicted values fell outside 0..255, what uint8 holds here, and were clamped to it`;
    const warning = `warning   ${note}`;
    const file = `${dir}/p.yaml`;
    const output = (name: string) => ["--set", `output.path=${dir}/${name}.tif`];
    writeFileSync(
      file,
      `name: clamp\ninput: { path: ${input} }\ntiling: { size: 16, overlap: 0, parts: { width: 32, height: 32 } }\nmodel: { type: identity }\noutput: { path: ${dir}/one.tif, dtype: uint8, block: 16 }\n`,
    );
    const one = tilecast("run", file, ...output("one"));
    expect([one.code, one.stderr]).toStrictEqual([0, ""]);
    expect(one.stdout).toContain(warning);

    // Two shards, then finalize.
    for (const s of ["0/2", "1/2"]) expect(tilecast("run", file, ...output("sharded"), "--shard", s).code).toBe(0);
    const fin = tilecast("finalize", file, ...output("sharded"));
    expect([fin.code, fin.stderr]).toStrictEqual([0, ""]);
    expect(fin.stdout).toContain(warning);

    // One shard's parts kept, the rest run by --resume.
    expect(tilecast("run", file, ...output("resumed"), "--shard", "1/2").code).toBe(0);
    const resumed = tilecast("run", file, ...output("resumed"), "--resume");
    expect([resumed.code, resumed.stderr]).toStrictEqual([0, ""]);
    expect(resumed.stdout).toContain(warning);

    const same = py<boolean>(`a = [gdal.Open(f"${dir}/{n}.tif").ReadAsArray() for n in ("one", "sharded", "resumed")]
print(json.dumps(bool((a[0] == a[1]).all() and (a[0] == a[2]).all() and a[0].max() == 255)))`);
    expect(same).toBe(true);

    // Queued jobs: a scene's result carries its warning; the shard that commits the output
    // carries the whole output's, the other its own parts'.
    const job = (sets: string[], shard?: { index: number; count: number }) =>
      runSceneJob({ data: { pipeline: file, scene: shard ? "" : input, sets, ...(shard ? { shard } : {}) } });
    const scene = await job([`output.path=${dir}/job.tif`]);
    expect(scene.warnings).toHaveLength(1);
    expect(scene.warnings?.[0]).toContain(note);
    const sets = [`output.path=${dir}/jobs.tif`];
    const first = await job(sets, { index: 0, count: 2 });
    const last = await job(sets, { index: 1, count: 2 });
    // Shard 0/2 has the parts of rows 0 to 31.
    let top = 0;
    for (let y = 0; y < 32; y++) for (let x = 0; x < 64; x++) if (x * y > 255) top++;
    expect(first.warnings).toHaveLength(1);
    expect(first.warnings?.[0]).toContain(`${top} predicted values fell outside 0..255`);
    expect(last.warnings).toHaveLength(1);
    expect(last.warnings?.[0]).toContain(note);
  }, 120_000);
});
