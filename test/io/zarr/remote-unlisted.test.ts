/**
 * A Zarr store over http(s) without consolidated metadata (zarr-python's and xarray's
 * `consolidated=False`; zarr-python 3's v3 stores unless consolidated) cannot be listed: a web
 * server or object store lists no directory. tilecast refused every such store ("its arrays cannot
 * be listed over HTTP"). Named with `--var`, the variable opens with the coordinates, grid mapping
 * and bounds its metadata names, as the same store does locally; 92 of 200 mutated stores served
 * over http were refused so, and now read as they do locally.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectPath, openSource } from "../../../src/io/registry.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** A loopback server of a directory's files ("/@/abs/path"), with no listings, as object stores serve. */
let server: Server;
let base = "";
const asked: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const p = decodeURIComponent((req.url ?? "/").slice(2));
    asked.push(p);
    if (!existsSync(p) || statSync(p).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    const body = readFileSync(p);
    res.writeHead(200, { "Content-Length": body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/@`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The description and pixels of `variable` of the store at `path`, with the path taken out. */
async function read(path: string, variable?: string) {
  const src = await openSource(path, variable ? { variable } : {});
  try {
    const m = src.meta;
    const g = await src.readWindow({ x: 0, y: 0, width: m.width, height: m.height });
    const md5 = createHash("md5").update(new Uint8Array(g.data.buffer, g.data.byteOffset, g.data.byteLength));
    return { meta: JSON.stringify({ ...m, path: "STORE" }), pixels: md5.digest("hex"), shape: g.shape };
  } finally {
    await src.close();
  }
}

describe.skipIf(!hasGdal)("a remote Zarr store without consolidated metadata", () => {
  const dir = tmp("unlisted");
  const [v2, v2root] = [`${dir}/era5.zarr`, `${dir}/root.zarr`];
  beforeAll(() => {
    // xarray's store with CF time, latitude/longitude, a grid mapping and time bounds; none consolidated.
    py(`import os, xarray as xr, pandas as pd, zarr
os.makedirs(${JSON.stringify(dir)})
t = pd.date_range("2026-01-01", periods=3, freq="6h")
lat = np.arange(60.0, 50.0, -2.5); lon = np.arange(0.0, 15.0, 2.5)
t2m = np.arange(3 * 4 * 6, dtype="float32").reshape(3, 4, 6) + 270
ds = xr.Dataset({"t2m": (("time", "latitude", "longitude"), t2m, {"units": "K", "grid_mapping": "crs"}),
                 "crs": ((), 0, {"grid_mapping_name": "latitude_longitude", "semi_major_axis": 6378137.0,
                                 "inverse_flattening": 298.257223563}),
                 "time_bnds": (("time", "nv"), np.stack([t - pd.Timedelta("6h"), t], axis=1)),
                 "unused": (("latitude",), lat * 2)},
                coords={"time": ("time", t, {"bounds": "time_bnds"}), "latitude": lat, "longitude": lon})
ds.to_zarr(${JSON.stringify(v2)}, consolidated=False)
z = zarr.open_array(${JSON.stringify(v2root)}, mode="w", shape=(5, 7), chunks=(2, 3), dtype="<i2")
z[...] = np.arange(35).reshape(5, 7)
print("null")`);
  });

  it("opens a named variable as the same store does locally: coordinates, grid mapping, pixels", async () => {
    expect(existsSync(`${v2}/.zmetadata`)).toBe(false);
    const local = await read(v2, "t2m");
    asked.length = 0;
    const remote = await read(`${base}${v2}`, "t2m");
    expect(remote).toStrictEqual(local);
    expect(local.shape).toStrictEqual([3, 4, 6]);
    expect(local.meta).toContain("+proj=longlat +a=6378137 +rf=298.257223563"); // from the grid mapping
    // The arrays it names were looked for; one it does not name was not.
    expect(asked.some((p) => p.endsWith("/latitude/.zarray"))).toBe(true);
    expect(asked.some((p) => p.includes("/unused/"))).toBe(false);
  });

  it("inspect --var describes the variable and what it names, over http as locally", async () => {
    const describe = async (path: string) => {
      const { info, text } = await inspectPath(path, "t2m");
      return { info: { ...info, path: "STORE" }, text: text.replace(path, "STORE") };
    };
    const local = await describe(v2);
    expect(await describe(`${base}${v2}`)).toStrictEqual(local);
    const info = local.info as unknown as { variables: object; coords: object };
    expect(Object.keys(info.variables)).toStrictEqual(["t2m"]);
    expect(Object.keys(info.coords).sort()).toStrictEqual(["crs", "latitude", "longitude", "time"]);
    // The whole store, locally, has the arrays t2m does not name.
    const all = (await inspectPath(v2)).info as { variables: object; coords: object };
    expect([...Object.keys(all.variables), ...Object.keys(all.coords)]).toEqual(
      expect.arrayContaining(["unused", "time_bnds"]),
    );
    await expect(inspectPath(v2, "sst")).rejects.toThrow(`${v2}: no variable 'sst' (`);
    await expect(inspectPath("fixtures/geotiff/u8.none.strip.1b.tif", "t2m")).rejects.toThrow(
      "fixtures/geotiff/u8.none.strip.1b.tif: --var is for stores; a GeoTIFF has bands, not variables",
    );
  });

  it("a store of one array at its root opens without a variable", async () => {
    const remote = await read(`${base}${v2root}`);
    expect(remote).toStrictEqual(await read(v2root));
    expect(remote.shape).toStrictEqual([1, 5, 7]);
  });

  it("without --var, or with one it lacks, says so in one line naming the store", async () => {
    const url = `${base}${v2}`;
    await expect(openSource(url)).rejects.toThrow(
      `${url}: the store has no consolidated metadata, so its arrays cannot be listed over HTTP; name the variable to read (--var of inspect, convert and run)`,
    );
    await expect(openSource(url, { variable: "sst" })).rejects.toThrow(
      `${url}: variable 'sst' does not exist (the store has no consolidated metadata, so its arrays cannot be listed over HTTP)`,
    );
  });
});
