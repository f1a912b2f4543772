import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openZarrSource } from "../../src/io/zarr/source.js";
import { tilecast } from "../helpers/cli.js";
import { gdalinfo, gdalPixels, hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";
import { ERA5, zfixture } from "../helpers/zarr-pattern.js";

describe("tilecast with Zarr", () => {
  it("inspect --json describes variables and coordinates", () => {
    const r = tilecast("inspect", ERA5, "--json");
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ format: "zarr", zarrFormat: 2, consolidated: true });
    const { placed, ...t2m } = info.variables.t2m;
    expect(t2m).toStrictEqual({
      dims: ["time", "latitude", "longitude"],
      shape: [4, 19, 36],
      dtype: "int16",
      chunks: [1, 10, 18],
      fillValue: -32767,
      attrs: { add_offset: 273.15, scale_factor: 0.01, long_name: "2 metre temperature", units: "K" },
    });
    // How tilecast places it: cell edges from the 10-degree centres, a 360-degree grid.
    expect({ ...placed, crs: placed.crs.epsg }).toStrictEqual({
      transform: [-5, 10, 0, 95, 0, -10],
      gcps: 0,
      crs: 4326,
      nodata: "nan",
      periodicX: true,
    });
    expect(info.variables.tp.fillValue).toBe("nan");
    expect(info.coords.time.values).toStrictEqual([
      "2020-01-01T00:00:00.000Z",
      "2020-01-01T06:00:00.000Z",
      "2020-01-01T12:00:00.000Z",
      "2020-01-01T18:00:00.000Z",
    ]);
    expect(info.coords.latitude.values.slice(0, 3)).toStrictEqual([90, 80, 70]);
    // The text names the packing the reader undoes; the float variable has none.
    const text = tilecast("inspect", ERA5).stdout;
    expect(text).toContain(
      "crs EPSG:4326 (WGS 84), nodata nan\n                 packed: value = stored x 0.01 + 273.15; read unpacked\n    tp ",
    );
    expect(text.match(/packed:/g)).toHaveLength(1);
  });

  it.skipIf(!hasGdal)("convert --var --index: a slice kept packed, which GDAL unpacks to xarray's values", () => {
    const out = tmp("t2m.tif");
    const r = tilecast("convert", ERA5, out, "--var", "t2m", "--index", "time=1");
    expect(r.code).toBe(0);
    const info = gdalinfo(out);
    expect(info.geoTransform).toStrictEqual([-5, 10, 0, 95, 0, -10]);
    expect(info.bands).toHaveLength(1);
    const seen = py<{
      type: string;
      packing: number[];
      nodata: number;
      same: boolean;
      missing: number;
    }>(`import xarray as xr
v = xr.open_zarr(${JSON.stringify(ERA5)}).t2m.isel(time=1).values
d = gdal.Open(${JSON.stringify(out)})
b = d.GetRasterBand(1)
a = b.ReadAsArray()
u = np.where(a == b.GetNoDataValue(), np.nan, a.astype(np.float32) * np.float32(b.GetScale()) + np.float32(b.GetOffset()))
print(json.dumps({"type": gdal.GetDataTypeName(b.DataType), "packing": [b.GetScale(), b.GetOffset()], "nodata": b.GetNoDataValue(),
  "same": bool(np.array_equal(u, v, equal_nan=True)), "missing": int(np.isnan(v).sum())}))`);
    // The slice has a missing cell, which stays missing.
    expect(seen).toStrictEqual({ type: "Int16", packing: [0.01, 273.15], nodata: -32767, same: true, missing: 1 });
  });

  it.skipIf(!hasGdal)("convert of an ascending-latitude grid writes it north-up", () => {
    const out = tmp("sst.tif");
    expect(tilecast("convert", zfixture("regional.lat-ascending.lon180.zarr"), out).code).toBe(0);
    const ref = py<(number | null)[][]>(`import xarray as xr
v = xr.open_zarr(${JSON.stringify(zfixture("regional.lat-ascending.lon180.zarr"))}).sst.values[::-1]
print(json.dumps([[None if math.isnan(x) else float(x) for x in row] for row in v.tolist()]))`);
    expect(gdalPixels(out)[0]).toStrictEqual(ref);
    expect(gdalinfo(out).geoTransform).toStrictEqual([-10.5, 1, 0, 40.5, 0, -1]);
  });

  it.each([
    [[zfixture("not-a-store.zarr"), "x.tif"], 1, "not a Zarr store"],
    [[zfixture("corrupt-chunk.zarr"), "x.tif"], 1, "corrupt chunk v/1.0"],
    [[ERA5, "x.tif", "--var", "nope"], 2, "variable 'nope' does not exist"],
    [[ERA5, "x.tif", "--var", "t2m", "--index", "time=7"], 2, "--index time=7 is out of range"],
    [[ERA5, "x.tif", "--var", "t2m", "--index", "time"], 2, "--index takes DIM=I"],
  ] as const)("convert %j: one line, exit %i, nothing written", (args, code, text) => {
    const out = tmp(args[1]);
    const r = tilecast("convert", args[0], out, ...args.slice(2));
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(text);
    expect(readdirSync(join(out, ".."))).toStrictEqual([]);
  });
});

describe("Zarr over http(s)", () => {
  let server: Server;
  let base = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      try {
        const body = readFileSync(join("fixtures/zarr", decodeURIComponent(req.url ?? "/")));
        res.writeHead(200, { "Content-Length": body.length });
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("reads a consolidated store by URL with the same values as locally", async () => {
    const url = `${base}/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr`;
    const [remote, local] = await Promise.all([
      openZarrSource(url, { variable: "t2m" }),
      openZarrSource(ERA5, { variable: "t2m" }),
    ]);
    expect(remote.meta.georef).toStrictEqual(local.meta.georef);
    const w = { x: 10, y: 3, width: 20, height: 9 };
    expect(Array.from((await remote.readWindow(w)).data)).toStrictEqual(Array.from((await local.readWindow(w)).data));
  });
});
