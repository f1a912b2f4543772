/**
 * A store with thousands of chunks in one read (a `time` appended a step at a time, a variable
 * stored a step a chunk) is read a bounded number of chunks at a time. zarrita starts every
 * chunk's read at once: past the open-file limit, "EMFILE: too many open files", and the
 * variable was refused as "not readable". Run under `ulimit -n 200` so the limit is the same on
 * every machine.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const N = 3000;

/** Run `node <args>` with at most 200 open files. */
function limited(...args: string[]) {
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const r = spawnSync("bash", ["-c", `ulimit -n 200 && exec '${process.execPath}' ${quoted}`], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasGdal)("reads of thousands of chunks", () => {
  it(`a time coordinate and a variable of ${N} one-step chunks read under 200 open files`, () => {
    const path = tmp("steps.zarr");
    py(`import xarray as xr, pandas as pd
t = pd.date_range("2020-01-01", periods=${N}, freq="5min")
v = np.arange(${N} * 2 * 3, dtype="float32").reshape(${N}, 2, 3)
ds = xr.Dataset({"rr": (("time", "y", "x"), v)}, coords={"time": t, "y": [1.5, 0.5], "x": [0.5, 1.5, 2.5]})
ds.to_zarr("${path}", encoding={"time": {"chunks": (1,)}, "rr": {"chunks": (1, 2, 3)}})
print("null")`);
    const inspect = limited("bin/tilecast.js", "inspect", path);
    expect(inspect.stderr).toBe("");
    expect(inspect.stdout).toContain("rr           (time, y, x) 3000 x 2 x 3 float32");
    expect(inspect.stdout).not.toContain("not readable");
    expect(inspect.stdout).toMatch(/time +\(time\) int64: 2020-01-01T00:00:00.000Z \.\.\. 2020-01-11T09:55:00.000Z/);
    // Every step of the variable at once: a window's bands are its time steps.
    const read = limited(
      "--input-type=module",
      "-e",
      `import { openZarrSource } from "${process.cwd()}/dist/io/zarr/source.js";
const s = await openZarrSource(${JSON.stringify(path)}, { variable: "rr" });
const g = await s.readWindow({ x: 2, y: 1, width: 1, height: 1 });
console.log(JSON.stringify([g.shape, g.data[0], g.data[${N - 1}]]));`,
    );
    expect(read.stderr).toBe("");
    expect(JSON.parse(read.stdout)).toStrictEqual([[N, 1, 1], 5, (N - 1) * 6 + 5]);
  }, 60_000);
});
