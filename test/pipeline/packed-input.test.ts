/**
 * A GeoTIFF packed with GDAL's scale and offset (what `gdal_translate` makes of an ERA5 netCDF:
 * int16, and each month's file with its own scale and offset) fed its stored integers to the
 * model, exit 0, while the same values in a CF-packed Zarr store were unpacked. Two files of one
 * field gave different forecasts. Pipelines now read `stored * scale + offset` from either.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { unpackSource } from "../../src/io/unpack.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

/** Two bands of a smooth temperature-like field, 40 x 56, with four missing cells. */
const FIELD = `
yy, xx = np.mgrid[0:40, 0:56]
field = np.stack([250 + 40 * np.sin(xx / 9.0) * np.cos(yy / 7.0), 262 + 20 * np.cos(xx / 5.0 + yy / 11.0)])
missing = np.zeros((40, 56), bool); missing[3, 4] = missing[20, 30] = missing[39, 55] = missing[0, 0] = True
`;

/** Write the field packed as int16 with each band's scale and offset, nodata -32767, to `path`. */
function packedTiff(path: string, scale: number[], offset: number[]): void {
  py(`${FIELD}
d = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 56, 40, 2, gdal.GDT_Int16, ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"])
d.SetGeoTransform([10, 0.25, 0, 50, 0, -0.25])
sr = osr.SpatialReference(); sr.ImportFromEPSG(4326); d.SetProjection(sr.ExportToWkt())
for b, (s, o) in enumerate(zip(${JSON.stringify(scale)}, ${JSON.stringify(offset)})):
    band = d.GetRasterBand(b + 1)
    band.WriteArray(np.where(missing, -32767, np.round((field[b] - o) / s)).astype(np.int16))
    band.SetScale(s); band.SetOffset(o); band.SetNoDataValue(-32767); band.SetUnitType("K")
d = None
print("null")`);
}

/** The values GDAL stores in `path`, unpacked in float32 as numpy does, NaN where missing, band-major. */
function gdalUnpacked(path: string): number[] {
  return py<(number | null)[]>(`d = gdal.Open(${JSON.stringify(path)})
out = []
for b in range(d.RasterCount):
    band = d.GetRasterBand(b + 1)
    a = band.ReadAsArray()
    v = a.astype(np.float32) * np.float32(band.GetScale()) + np.float32(band.GetOffset())
    out += [None if m else float(x) for x, m in zip(v.ravel(), (a == band.GetNoDataValue()).ravel())]
print(json.dumps(out))`).map((v) => (v === null ? Number.NaN : v));
}

/** What a run of the identity model (no normalization) on `input` writes: band-major, NaN missing. */
function identityRun(name: string, input: string): number[] {
  const pipeline = tmp(`${name}.yaml`);
  const out = tmp(`${name}.out.tif`);
  writeFileSync(
    pipeline,
    `name: ${name}
input: { path: ${JSON.stringify(input)} }
tiling: { size: 32, overlap: 8, edge: pad, padding: reflect }
normalize: { method: none }
model: { type: identity }
batch: 4
output: { path: ${JSON.stringify(out)}, dtype: float32 }
`,
  );
  const r = tilecast("run", pipeline, "-q");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return py<(number | null)[]>(`d = gdal.Open(${JSON.stringify(out)})
a = d.ReadAsArray().astype(np.float64).ravel()
print(json.dumps([None if math.isnan(x) else x for x in a]))`).map((v) => (v === null ? Number.NaN : v));
}

describe.skipIf(!hasGdal)("packed inputs", () => {
  it("unpackSource reads a packed GeoTIFF as GDAL's values times scale plus offset, missing cells NaN", async () => {
    const path = tmp("packed.tif");
    packedTiff(path, [0.002, 0.5], [265, -1]);
    const src = unpackSource(await openSource(path));
    expect(src.meta.dtype).toBe("float32");
    expect(src.meta.nodata).toBeNaN();
    expect(src.meta.attrs.scale).toBeUndefined();
    expect(src.meta.attrs.bandUnits).toEqual(["K", "K"]);
    const g = await src.readWindow({ x: 0, y: 0, width: 56, height: 40 });
    expect(Array.from(g.data)).toEqual(gdalUnpacked(path));
    // One band picked: its own scale and offset.
    const second = await src.readWindow({ x: 0, y: 0, width: 56, height: 40 }, { bands: [1] });
    expect(Array.from(second.data)).toEqual(gdalUnpacked(path).slice(56 * 40));
    await src.close();
    const flat = tmp("flat-packed.tif");
    packedTiff(flat, [0.5, 0], [0, 7]);
    await expect(openSource(flat).then(unpackSource)).rejects.toThrow(
      `${flat}: band 2 has a scale of 0: every value would read as its offset (7)`,
    );
  });

  it("a run reads a packed GeoTIFF's values: the same from two packings of one field and from a CF-packed store", () => {
    const a = tmp("month-a.tif");
    const b = tmp("month-b.tif");
    packedTiff(a, [0.0025, 0.001], [250, 262]);
    packedTiff(b, [0.0015, 0.0007], [255, 260]);
    const store = tmp("month-a.zarr");
    py(`import xarray as xr
d = gdal.Open(${JSON.stringify(a)})
bands = [d.GetRasterBand(i + 1) for i in range(2)]
raw = d.ReadAsArray()
v = xr.Variable(("band", "y", "x"), raw, {"scale_factor": bands[0].GetScale(), "add_offset": bands[0].GetOffset(), "_FillValue": np.int16(-32767)})
ds = xr.Dataset({"t": v.isel(band=[0])}, coords={"y": 50 - 0.25 * (np.arange(40) + 0.5), "x": 10 + 0.25 * (np.arange(56) + 0.5), "band": [1]})
ds.t.encoding = {"dtype": "int16"}
ds.to_zarr(${JSON.stringify(store)}, mode="w", consolidated=True)
d = None
print("null")`);
    const fromA = identityRun("month-a", a);
    const fromB = identityRun("month-b", b);
    expect(fromA).toEqual(gdalUnpacked(a));
    const physical = py<number[]>(`${FIELD}
print(json.dumps(field.ravel().tolist()))`);
    const within = (got: number[], half: number[]) =>
      got.every(
        (v, i) => Number.isNaN(v) || Math.abs(v - (physical[i] as number)) <= (half[i < 2240 ? 0 : 1] as number),
      );
    expect(within(fromA, [0.0025 / 2 + 1e-4, 0.001 / 2 + 1e-4])).toBe(true);
    expect(within(fromB, [0.0015 / 2 + 1e-4, 0.0007 / 2 + 1e-4])).toBe(true);
    expect(fromB.map(Number.isNaN)).toEqual(fromA.map(Number.isNaN));
    expect(fromA.filter(Number.isNaN)).toHaveLength(8);
    // The store holds band 1 of file a, packed the same way: the run writes the same numbers.
    expect(identityRun("store-a", store)).toEqual(fromA.slice(0, 2240));
  });

  it("inspect names the packing and the units", () => {
    const path = tmp("inspect-packed.tif");
    packedTiff(path, [0.01, 0.5], [273.15, -1]);
    const r = tilecast("inspect", path);
    expect(r.stdout).toContain("  units        K, K\n");
    expect(r.stdout).toContain(
      "  packing      band 1: stored x 0.01 + 273.15, band 2: stored x 0.5 - 1; pipelines read the values unpacked",
    );
    const json = JSON.parse(tilecast("inspect", path, "--json").stdout);
    expect(json.packing).toEqual({ scale: [0.01, 0.5], offset: [273.15, -1] });
  });
});
