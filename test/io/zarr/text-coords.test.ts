/**
 * Text coordinates: a `band` coordinate of names, as stackstac and odc-stac stores carry them,
 * in every way numpy and Zarr keep text (fixed-width unicode `<U`, bytes `|S`, objects of
 * vlen-utf8, Zarr v3's `string`), names the bands as xarray reads them; a text coordinate off the
 * grid (ERA5's `expver`, as the Copernicus data store delivers it) is shown by `inspect`. Before,
 * each such store failed to open with "dtype v2:U3 is not supported", naming no file.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectZarr } from "../../../src/io/zarr/inspect.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const NAMES = ["B02", "Température", "NDVI-β"];

describe.skipIf(!hasGdal)("text coordinates", () => {
  it("a band coordinate of names, in each text dtype, names the bands as xarray reads them", async () => {
    const dir = tmp("text-bands");
    const kinds = { unicode: "U", bytes: "S", object: "O" } as const;
    const want = py<Record<string, { names: string[]; dtype: string }>>(`import xarray as xr, warnings
warnings.simplefilter("ignore")
out = {}
for kind, code in ${JSON.stringify(kinds)}.items():
    names = ${JSON.stringify(NAMES)} if code != "S" else ["B02", "B03", "B04"]
    band = np.array(names, dtype=object) if code == "O" else np.array([n.encode() for n in names], dtype="S") if code == "S" else np.array(names)
    ds = xr.Dataset({"stack": (("band", "y", "x"), np.arange(60, dtype="u2").reshape(3, 4, 5))},
                    coords={"band": band, "y": [4.5, 3.5, 2.5, 1.5], "x": np.arange(5) + 0.5})
    p = ${JSON.stringify(dir)} + "/" + kind + ".zarr"
    ds.to_zarr(p, mode="w")
    import zarr
    back = xr.open_zarr(p).band.values
    out[kind] = {"names": [v.decode() if isinstance(v, bytes) else str(v) for v in back], "dtype": str(zarr.open(p)["band"].dtype)}
print(json.dumps(out))`);
    expect(Object.values(want).map((w) => w.dtype)).toStrictEqual(["<U11", "|S3", "object"]);
    for (const kind of Object.keys(kinds)) {
      const store = join(dir, `${kind}.zarr`);
      const src = await openZarrSource(store);
      expect(src.meta.attrs.bandNames, kind).toStrictEqual(want[kind]?.names);
      expect(
        Array.from((await src.readWindow({ x: 0, y: 0, width: 2, height: 1 }, { bands: [2] })).data),
      ).toStrictEqual([40, 41]);
      await src.close();
      // The names become the GeoTIFF's band descriptions, as GDAL reads them.
      const tif = join(dir, `${kind}.tif`);
      await convertRaster(store, tif);
      const described = py<string[]>(`ds = gdal.Open(${JSON.stringify(tif)})
print(json.dumps([ds.GetRasterBand(b + 1).GetDescription() for b in range(ds.RasterCount)]))`);
      expect(described, kind).toStrictEqual(want[kind]?.names);
      expect((await inspectZarr(store)).coords.band?.values, kind).toStrictEqual(want[kind]?.names);
    }
  });

  it("a Zarr v3 string coordinate (vlen-utf8) names the bands", async () => {
    // Written by hand as the v3 spec and zarr-python 3 lay it out (Debian's zarr-python is 2.13).
    const store = join(tmp("text-v3"), "v3.zarr");
    const meta = (p: string, m: unknown) => {
      mkdirSync(join(store, p), { recursive: true });
      writeFileSync(join(store, p, "zarr.json"), JSON.stringify(m));
    };
    meta("", { zarr_format: 3, node_type: "group", attributes: {} });
    const grid = (shape: number[], dataType: string, names: string[], codecs: unknown[]) => ({
      zarr_format: 3,
      node_type: "array",
      shape,
      data_type: dataType,
      chunk_grid: { name: "regular", configuration: { chunk_shape: shape } },
      chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
      fill_value: dataType === "string" ? "" : 0,
      codecs,
      dimension_names: names,
      attributes: {},
    });
    const bytes = [{ name: "bytes", configuration: { endian: "little" } }];
    meta("stack", grid([3, 2, 2], "uint8", ["band", "y", "x"], bytes));
    mkdirSync(join(store, "stack", "c", "0", "0"), { recursive: true });
    writeFileSync(
      join(store, "stack", "c", "0", "0", "0"),
      Uint8Array.from({ length: 12 }, (_, i) => i),
    );
    meta("band", grid([3], "string", ["band"], [{ name: "vlen-utf8" }]));
    // vlen-utf8: the item count, then each item's length and UTF-8 bytes, little-endian.
    const parts = NAMES.map((n) => Buffer.from(n, "utf8"));
    const head = Buffer.alloc(4);
    head.writeUInt32LE(parts.length);
    const chunk = Buffer.concat([
      head,
      ...parts.flatMap((p) => {
        const n = Buffer.alloc(4);
        n.writeUInt32LE(p.length);
        return [n, p];
      }),
    ]);
    mkdirSync(join(store, "band", "c"), { recursive: true });
    writeFileSync(join(store, "band", "c", "0"), chunk);
    const src = await openZarrSource(store);
    expect(src.meta.attrs.bandNames).toStrictEqual(NAMES);
    expect(Array.from((await src.readWindow({ x: 0, y: 0, width: 2, height: 2 }, { bands: [1] })).data)).toStrictEqual([
      4, 5, 6, 7,
    ]);
    await src.close();
  });

  it("ERA5 as the CDS delivers it: inspect shows expver; a text variable read as a raster is named", async () => {
    const dir = tmp("text-era5");
    mkdirSync(dir, { recursive: true });
    const store = join(dir, "era5.zarr");
    py(`import xarray as xr
t = np.array(["2024-01-01T00", "2024-01-01T01", "2024-01-01T02"], dtype="datetime64[ns]")
ds = xr.Dataset({"t2m": (("valid_time", "latitude", "longitude"), np.ones((3, 4, 5), "f4")),
                 "station": (("latitude", "longitude"), np.full((4, 5), "abc"))},
                coords={"valid_time": t, "latitude": [90.0, 89.75, 89.5, 89.25], "longitude": np.arange(5) * 0.25,
                        "number": 0, "expver": ("valid_time", np.array(["0001", "0001", "0005"]))})
ds.to_zarr(${JSON.stringify(store)}, mode="w")
print("null")`);
    const info = await inspectZarr(store);
    expect(info.coords.expver?.values).toStrictEqual(["0001", "0001", "0005"]);
    const t2m = await openZarrSource(store, { variable: "t2m" });
    expect(t2m.meta.attrs.bandNames?.[2]).toBe("2024-01-01T02:00:00.000Z");
    await t2m.close();
    await expect(openZarrSource(store, { variable: "station" })).rejects.toThrow(
      `${store}: array 'station' holds text (v2:U3), not numbers`,
    );
    // The command line: one line naming the store, a non-zero exit.
    let err = "";
    try {
      execFileSync(process.execPath, ["bin/tilecast.js", "convert", store, join(dir, "s.tif"), "--var", "station"], {
        stdio: "pipe",
      });
    } catch (e) {
      err = String((e as { stderr: Buffer }).stderr).trim();
    }
    expect(err).toBe(`tilecast: ${store}: array 'station' holds text (v2:U3), not numbers`);
  });
});
