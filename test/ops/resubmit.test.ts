/**
 * Submitting to the scene queue again, on a real Redis with a real worker process: the same list
 * queues nothing; the same scenes with another `--set` are new jobs (they were taken for the old
 * ones and never ran); a scene whose output is gone, and one that failed, run again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueStatus } from "../../src/ops/queue.js";
import { tilecast } from "../helpers/cli.js";
import { py } from "../helpers/gdal.js";
import { hasRedis, type RedisServer, startRedis, until } from "../helpers/redis.js";
import { tmp } from "../helpers/write.js";

let redis: RedisServer | null = null;
let worker: ChildProcess | null = null;
const QUEUE = "resubmit";

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  worker = spawn(process.execPath, ["bin/tilecast.js", "worker", "--redis", redis.url, "--queue", QUEUE]);
});

afterAll(() => {
  worker?.kill("SIGKILL");
  redis?.stop();
});

describe.skipIf(!hasRedis)("submitting again", () => {
  it("queues what is new or must run again, and nothing else", async () => {
    const url = (redis as RedisServer).url;
    const dir = join(dirname(tmp("x")), "resubmit");
    mkdirSync(dir);
    py(`
from osgeo import gdal
for n, s in (("a", 1), ("b", 2)):
    d = gdal.GetDriverByName("GTiff").Create("${dir}/%s.tif" % n, 64, 64, 1, gdal.GDT_UInt16)
    d.SetGeoTransform((500000, 10, 0, 4000000, 0, -10))
    d.SetProjection("EPSG:32631")
    d.GetRasterBand(1).WriteArray((np.arange(64 * 64).reshape(64, 64) * s).astype("uint16"))
    d = None
print("null")`);
    const pipeline = join(dir, "p.yaml");
    writeFileSync(
      pipeline,
      "name: tiny\ninput: {path: a.tif}\ntiling: {size: 32}\nnormalize: {method: none}\nmodel: {type: identity}\noutput: {path: out/{scene}.tif, dtype: float32}\n",
    );
    const scenes = [join(dir, "a.tif"), join(dir, "b.tif")];
    const submit = (...flags: string[]) => {
      const r = tilecast("submit", pipeline, ...scenes, "--redis", url, "--queue", QUEUE, "--attempts", "1", ...flags);
      expect(r.stderr).toBe("");
      return r.stdout.trim();
    };
    const settled = (completed: number, failed = 0) =>
      until(async () => {
        const c = await queueStatus({ redis: url, queue: QUEUE });
        return c.completed === completed && c.failed === failed && c.waiting === 0 && c.active === 0;
      }, 60_000);

    expect(submit()).toBe("queued 2 new scenes of 2");
    expect(await settled(2)).toBe(true);
    expect(existsSync(join(dir, "out", "a.tif")) && existsSync(join(dir, "out", "b.tif"))).toBe(true);
    expect(submit()).toBe("queued 0 new scenes of 2");

    // Another output for the same scenes: two new jobs, which write it.
    expect(submit("--set", `output.path=${dir}/other/{scene}.tif`)).toBe("queued 2 new scenes of 2");
    expect(await settled(4)).toBe(true);
    expect(existsSync(join(dir, "other", "b.tif"))).toBe(true);

    // An output removed: its scene runs again.
    rmSync(join(dir, "out", "a.tif"));
    expect(submit()).toBe("queued 1 new scene of 2 (1 whose output is gone)");
    expect(await settled(4)).toBe(true);
    expect(existsSync(join(dir, "out", "a.tif"))).toBe(true);

    // A failure that was not the scene's (a file where the output's directory goes), mended.
    writeFileSync(join(dir, "blocked"), "");
    const blocked = ["--set", `output.path=${dir}/blocked/{scene}.tif`];
    expect(submit(...blocked)).toBe("queued 2 new scenes of 2");
    expect(await settled(4, 2)).toBe(true);
    rmSync(join(dir, "blocked"));
    expect(submit(...blocked)).toBe("queued 2 new scenes of 2 (2 that had failed)");
    expect(await settled(6)).toBe(true);
    const same = py<boolean>(`
from osgeo import gdal
a, b = gdal.Open("${dir}/blocked/b.tif"), gdal.Open("${dir}/b.tif")
print(json.dumps(bool(np.array_equal(a.ReadAsArray(), b.ReadAsArray())) and a.GetGeoTransform() == b.GetGeoTransform()))`);
    expect(same).toBe(true);

    // A scene by URL is queued as the URL (it was made a local path under the working
    // directory, which the worker could not find) and read from it.
    const server = createServer((req, res) => {
      const file = join(dir, (req.url ?? "/").slice(1));
      if (!existsSync(file)) {
        res.writeHead(404).end(); // a sidecar the reader looks for
        return;
      }
      const body = readFileSync(file);
      const r = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
      const [start, end] = r
        ? [Number(r[1]), Math.min(body.length - 1, Number(r[2] || body.length - 1))]
        : [0, body.length - 1];
      res.writeHead(r ? 206 : 200, {
        "Content-Length": end - start + 1,
        ...(r ? { "Content-Range": `bytes ${start}-${end}/${body.length}` } : {}),
      });
      res.end(body.subarray(start, end + 1));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}/b.tif`;
      const r = tilecast(
        ...["submit", pipeline, remote, "--redis", url, "--queue", QUEUE],
        ...["--set", `output.path=${dir}/remote/{scene}.tif`],
      );
      expect(r.stdout.trim()).toBe("queued 1 new scene of 1");
      expect(await settled(7)).toBe(true);
    } finally {
      server.close();
    }
    const sameRemote = py<boolean>(`
from osgeo import gdal
a, b = gdal.Open("${dir}/remote/b.tif"), gdal.Open("${dir}/out/b.tif")
print(json.dumps(bool(np.array_equal(a.ReadAsArray(), b.ReadAsArray())) and a.GetGeoTransform() == b.GetGeoTransform()))`);
    expect(sameRemote).toBe(true);
  }, 120_000);
});

describe("scenes that are not there, or whose outputs would be one file", () => {
  it("are refused before anything is queued (Redis is not even asked)", () => {
    const dir = join(dirname(tmp("x")), "clash");
    for (const d of ["p1", "p2"]) mkdirSync(join(dir, d), { recursive: true });
    const pipeline = join(dir, "p.yaml");
    writeFileSync(
      pipeline,
      "name: tiny\ninput: {path: a.tif}\ntiling: {size: 32}\nmodel: {type: identity}\noutput: {path: out/{scene}.tif, dtype: float32}\n",
    );
    const [b1, b2] = [join(dir, "p1", "B04.tif"), join(dir, "p2", "B04.tif")];
    const b8 = join(dir, "B08.tif");
    // Scenes that are not there are refused first, naming one and counting the rest.
    const missing = tilecast("submit", pipeline, b1, b2, b8, "--redis", "redis://127.0.0.1:1");
    expect([missing.code, missing.stderr]).toStrictEqual([
      1,
      `tilecast: ${b1}: scene not found (and 2 other scenes); nothing was queued\n`,
    ]);
    for (const f of [b1, b2, b8]) writeFileSync(f, "");
    const r = tilecast("submit", pipeline, b1, b2, "--redis", "redis://127.0.0.1:1");
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      `tilecast: ${pipeline}: scenes ${b1} and ${b2} are both '{scene}' = B04: their outputs would be one file; submit them in separate batches, or rename one\n`,
    );
    const fixed = tilecast("submit", pipeline, b1, b8, "--redis", "redis://127.0.0.1:1");
    expect(fixed.stderr).toMatch(/Redis does not answer/); // past the check
    const one = tilecast(
      ...["submit", pipeline, b1, b8, "--redis", "redis://127.0.0.1:1"],
      ...["--set", `output.path=${dir}/all.tif`],
    );
    expect(one.code).toBe(2);
    expect(one.stderr).toBe(
      `tilecast: ${pipeline}: every scene would write ${dir}/all.tif: put {scene} in output.path (e.g. --set "output.path=out/{scene}.tif")\n`,
    );
  });
});
