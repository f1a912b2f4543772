/**
 * What describes the data, carried by `convert` as GDAL and xarray carry it: a GeoTIFF's metadata
 * items (default and named domains), its bands' items and unit types; a Zarr variable's
 * attributes (`units`, `long_name`, ...), with `units` as the bands' unit type in a GeoTIFF and
 * the other way round.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bandUnitsOf, carriedAttrs, commonUnit } from "../../../src/io/carried-attrs.js";
import { formatGdalMetadata, parseGdalMetadata } from "../../../src/io/geotiff/gdal-metadata.js";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** GDAL's view of a GeoTIFF's descriptive metadata. */
type Described = {
  dataset: Record<string, string>;
  imagery: Record<string, string>;
  bands: { items: Record<string, string>; unit: string; description: string }[];
};

const gdalDescribes = (path: string): Described =>
  py<Described>(`ds = gdal.Open(${JSON.stringify(path)})
bands = [ds.GetRasterBand(i + 1) for i in range(ds.RasterCount)]
print(json.dumps({"dataset": ds.GetMetadata_Dict(), "imagery": ds.GetMetadata_Dict("IMAGERY"),
  "bands": [{"items": b.GetMetadata_Dict(), "unit": b.GetUnitType(), "description": b.GetDescription()} for b in bands]}))`);

describe("descriptive metadata", () => {
  it("GDAL_METADATA: every item kept but the file's layout, a band's named domains and unknown roles", () => {
    const xml = `<GDALMetadata>
  <Item name="AREA">x &amp; y</Item>
  <Item name="CLOUD_COVER" domain="IMAGERY">12</Item>
  <Item name="COMPRESSION_REVERSIBILITY" domain="IMAGE_STRUCTURE">LOSSY</Item>
  <Item name="LINE_OFF" domain="RPC">100</Item>
  <Item name="WAVELENGTH" sample="0">665</Item>
  <Item name="X" sample="0" domain="OTHER">1</Item>
  <Item name="COLORINTERP" sample="1" role="colorinterp">nir</Item>
  <Item name="UNITTYPE" sample="1" role="unittype">m</Item>
  <Item name="WAVELENGTH" sample="5">1</Item>
</GDALMetadata>`;
    const attrs = parseGdalMetadata(xml, 2);
    expect(attrs).toStrictEqual({
      AREA: "x & y",
      bandUnits: [null, "m"],
      bandMetadata: [{ WAVELENGTH: "665" }, null],
      metadataDomains: { IMAGERY: { CLOUD_COVER: "12" } },
    });
    // Written back, then read again: the same.
    expect(parseGdalMetadata(formatGdalMetadata(attrs, 2) ?? "", 2)).toStrictEqual(attrs);
  });

  it("a band's scale or offset that is not a number is an error naming the file and the band", () => {
    const item = (role: string, v: string) =>
      `<GDALMetadata><Item name="X" sample="1" role="${role}">${v}</Item></GDALMetadata>`;
    expect(() => parseGdalMetadata(item("scale", "abc"), 2, "/d/f.tif")).toThrow(
      "/d/f.tif: its GDAL_METADATA gives band 2 a scale that is not a finite number ('abc')",
    );
    expect(() => parseGdalMetadata(item("offset", ""), 2, "/d/f.tif")).toThrow(
      "band 2 an offset that is not a finite number ('')",
    );
    expect(() => parseGdalMetadata(item("scale", "inf"), 2)).toThrow("not a finite number ('inf')");
    expect(parseGdalMetadata(item("scale", " 0.5 "), 2).scale).toStrictEqual([1, 0.5]);
  });

  it("an item named __proto__ is an item, in any domain or band, and no object's prototype changes", () => {
    const xml = `<GDALMetadata>
  <Item name="polluted" domain="__proto__">yes</Item>
  <Item name="__proto__">a</Item>
  <Item name="__proto__" domain="X">b</Item>
  <Item name="__proto__" sample="0">c</Item>
</GDALMetadata>`;
    const attrs = parseGdalMetadata(xml, 1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(attrs, "__proto__")?.value).toBe("a");
    expect(Object.getOwnPropertyDescriptor(attrs.metadataDomains?.X, "__proto__")?.value).toBe("b");
    expect(Object.getOwnPropertyDescriptor(attrs.metadataDomains, "__proto__")?.value).toStrictEqual({
      polluted: "yes",
    });
    expect(Object.getOwnPropertyDescriptor(attrs.bandMetadata?.[0], "__proto__")?.value).toBe("c");
  });

  it("a Zarr variable's units are every band's unit; bands' units are the variable's where they agree", () => {
    expect(bandUnitsOf({ units: "K" }, 2)).toStrictEqual(["K", "K"]);
    expect(bandUnitsOf({ units: "K", bandUnits: [null, "m"] }, 2)).toStrictEqual([null, "m"]);
    expect(bandUnitsOf({}, 2)).toBeNull();
    expect(commonUnit({ bandUnits: ["K", "K"] }, 2)).toBe("K");
    expect(commonUnit({ bandUnits: ["K", "m"] }, 2)).toBeNull();
    expect(commonUnit({ bandUnits: ["K", null] }, 2)).toBeNull();
    // The attributes that say what the data is; not those that say how a file stores it.
    expect(
      carriedAttrs({
        units: "K",
        GRIB_paramId: 167,
        valid: true,
        scale_factor: 0.01,
        coordinates: "lat lon",
        _ARRAY_DIMENSIONS: ["y", "x"],
        bandNames: ["a"],
        nan: Number.NaN,
        valid_range: [0, 100],
        flag_values: [0, 1, 2],
        mixed: [1, { a: 1 }],
      }),
    ).toStrictEqual([
      ["units", "K"],
      ["GRIB_paramId", 167],
      ["valid", true],
    ]);
    // Lists where the format has them (Zarr); valid_range is in packed values, which tilecast unpacks.
    expect(carriedAttrs({ flag_values: [0, 1, 2], valid_range: [0, 100], mixed: [1, { a: 1 }] }, true)).toStrictEqual([
      ["flag_values", [0, 1, 2]],
    ]);
  });

  it.skipIf(!hasGdal)(
    "a GDAL GeoTIFF's items, domains, band items and unit types survive convert, GeoTIFF and COG",
    async () => {
      const path = tmp("described.tif");
      py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 8, 6, 2, gdal.GDT_Float32)
ds.SetGeoTransform((0, 10, 0, 0, 0, -10))
ds.SetMetadata({"AREA": "x & <y>", "PRODUCT": "L2A"})
ds.SetMetadata({"CLOUD_COVER": "12"}, "IMAGERY")
b = ds.GetRasterBand(1)
b.SetUnitType("K"); b.SetDescription("t2m"); b.SetMetadata({"WAVELENGTH": "665", "BANDNAME": "B4"})
ds.GetRasterBand(2).SetUnitType("m")
ds = None
print("null")`);
      const want = gdalDescribes(path);
      expect(want.imagery).toStrictEqual({ CLOUD_COVER: "12" });
      expect(want.bands.map((b) => b.unit)).toStrictEqual(["K", "m"]);
      const src = await openGeoTiff(path);
      await src.close();
      expect(src.meta.attrs.bandUnits).toStrictEqual(["K", "m"]);
      for (const flags of [[], ["--cog"]]) {
        const out = tmp("out.tif");
        expect(tilecast("convert", path, out, ...flags, "-q").code).toBe(0);
        expect(gdalDescribes(out)).toStrictEqual(want);
      }
    },
  );

  it.skipIf(!hasGdal)(
    "values holding XML's special characters or an entity's text read and are written as GDAL's, escaped twice",
    async () => {
      const path = tmp("quoted.tif");
      const tricky = `a "quoted" & <tagged> 'x' &quot; &amp;lt; &#10;`;
      py(`ds = gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 4, 3, 1, gdal.GDT_Byte)
t = ${JSON.stringify(tricky)}
ds.SetMetadata({"NOTE": t}); ds.SetMetadata({"SENSOR": t}, "IMAGERY")
b = ds.GetRasterBand(1); b.SetDescription(t); b.SetUnitType(t); b.SetMetadata({"BAND_NOTE": t})
ds = None
print("null")`);
      const want = gdalDescribes(path);
      expect(want.bands[0]?.description).toBe(tricky);
      const src = await openGeoTiff(path);
      await src.close();
      const a = src.meta.attrs;
      expect([
        a.NOTE,
        a.metadataDomains?.IMAGERY?.SENSOR,
        a.bandNames?.[0],
        a.bandUnits?.[0],
        a.bandMetadata?.[0]?.BAND_NOTE,
      ]).toStrictEqual(Array(5).fill(tricky));
      const out = tmp("quoted-out.tif");
      expect(tilecast("convert", path, out, "-q").code).toBe(0);
      expect(gdalDescribes(out)).toStrictEqual(want);
      // A Zarr attribute's text reaches GDAL as written (escaped once, "&lt;" read as "<").
      const store = tmp("quoted.zarr");
      py(`import xarray as xr
xr.DataArray(np.zeros((3, 4), "f4"), dims=("y", "x"), attrs={"long_name": ${JSON.stringify(tricky)}}).to_dataset(name="v").to_zarr(${JSON.stringify(store)})
print("null")`);
      const fromZarr = tmp("from-zarr.tif");
      expect(tilecast("convert", store, fromZarr, "-q").code).toBe(0);
      expect(gdalDescribes(fromZarr).dataset.long_name).toBe(tricky);
      // A GRIB file's level, as GDAL describes its bands, reads with its quotes.
      expect(
        parseGdalMetadata(
          '<GDALMetadata><Item name="DESCRIPTION" sample="0" role="description">0[-] SFC=&amp;quot;Ground&amp;quot;</Item></GDALMetadata>',
          1,
        ).bandNames,
      ).toStrictEqual(['0[-] SFC="Ground"']);
    },
  );

  it.skipIf(!hasGdal)(
    "Zarr's units, long_name and other attributes: to Zarr as xarray reads them, to GeoTIFF as unit types",
    () => {
      const store = tmp("t2m.zarr");
      py(`import xarray as xr
da = xr.DataArray(np.arange(24, dtype="f4").reshape(2, 3, 4), dims=("time", "latitude", "longitude"),
  coords={"latitude": [10.0, 9.0, 8.0], "longitude": [0.0, 1.0, 2.0, 3.0], "time": np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[ns]")},
  attrs={"units": "K", "long_name": "2 metre temperature", "standard_name": "air_temperature", "GRIB_paramId": 167,
    "flag_values": [0, 1], "flag_meanings": "cold warm"})
da.to_dataset(name="t2m").to_zarr(${JSON.stringify(store)}, mode="w")
print("null")`);
      const want = {
        units: "K",
        long_name: "2 metre temperature",
        standard_name: "air_temperature",
        GRIB_paramId: 167,
        flag_values: [0, 1],
        flag_meanings: "cold warm",
      };
      const copy = tmp("copy.zarr");
      expect(tilecast("convert", store, copy, "--var", "t2m", "-q").code).toBe(0);
      const seen = py<Record<string, unknown>>(`import xarray as xr
a = xr.open_zarr(${JSON.stringify(copy)})["t2m"].attrs
print(json.dumps({k: (a[k].tolist() if hasattr(a[k], "tolist") else a[k]) for k in ${JSON.stringify(Object.keys(want))} if k in a}))`);
      expect(seen).toStrictEqual(want);
      const tif = tmp("t2m.tif");
      expect(tilecast("convert", store, tif, "--var", "t2m", "-q").code).toBe(0);
      const d = gdalDescribes(tif);
      expect(d.bands.map((b) => b.unit)).toStrictEqual(["K", "K"]);
      expect(d.dataset).toMatchObject({ long_name: "2 metre temperature", GRIB_paramId: "167" });
      expect(d.dataset.units).toBeUndefined();
      // And back to Zarr: the bands' shared unit is the variable's units, which GDAL reads as their unit type.
      const back = tmp("back.zarr");
      expect(tilecast("convert", tif, back, "--var", "t2m", "-q").code).toBe(0);
      const units = py<{ xr: string; gdal: string }>(`import xarray as xr
g = gdal.Open("ZARR:" + json.dumps(${JSON.stringify(back)}) + ":/t2m:0")  # band 1 of the band dim
print(json.dumps({"xr": xr.open_zarr(${JSON.stringify(back)})["t2m"].attrs["units"], "gdal": g.GetRasterBand(1).GetUnitType()}))`);
      expect(units).toStrictEqual({ xr: "K", gdal: "K" });
    },
  );

  it.skipIf(!hasGdal)("TIFF's text tags (copyright, date, ...) are copied as the tags GDAL reads them from", () => {
    const path = tmp("tagged.tif");
    const items = {
      TIFFTAG_COPYRIGHT: "(c) Agency 2024 <all rights> & more",
      TIFFTAG_DATETIME: "2024:05:01 10:00:00",
      TIFFTAG_IMAGEDESCRIPTION: "a scene",
      TIFFTAG_ARTIST: "me",
      TIFFTAG_SOFTWARE: "proc 1.2",
      TIFFTAG_DOCUMENTNAME: "doc",
      TIFFTAG_HOSTCOMPUTER: "host",
    };
    const mo = Object.entries(items).flatMap(([k, v]) => ["-mo", `${k}=${v}`]);
    expect(spawnSync("gdal_create", ["-q", "-outsize", "4", "3", "-ot", "Byte", ...mo, path]).status).toBe(0);
    expect(gdalDescribes(path).dataset).toStrictEqual(items);
    for (const flags of [[], ["--cog"]]) {
      const out = tmp("out.tif");
      expect(tilecast("convert", path, out, ...flags, "-q").code).toBe(0);
      expect(gdalDescribes(out).dataset).toStrictEqual(items);
      // As the tags themselves (33432 is Copyright), with no GDAL_METADATA copy of them.
      const tags = py<number[]>(`import struct
f = open(${JSON.stringify(out)}, "rb").read()
o = struct.unpack("<I", f[4:8])[0]
n = struct.unpack("<H", f[o:o + 2])[0]
print(json.dumps([struct.unpack("<H", f[o + 2 + 12 * i:o + 4 + 12 * i])[0] for i in range(n)]))`);
      expect(tags).toEqual(expect.arrayContaining([269, 270, 305, 306, 315, 316, 33432]));
      expect(tags).not.toContain(42112);
    }
  });

  it.skipIf(!hasGdal)("a sidecar's items (set on a read-only file) read over the file's, and copied", async () => {
    const path = tmp("pam.tif");
    expect(
      spawnSync("gdal_create", ["-q", "-outsize", "4", "3", "-ot", "Byte", "-mo", "A=1", "-mo", "B=file", path]).status,
    ).toBe(0);
    // Opened read-only, GDAL keeps what is set in the .aux.xml.
    py(`ds = gdal.Open(${JSON.stringify(path)})
ds.SetMetadataItem("A", "2"); ds.SetMetadataItem("C", "pam"); ds.SetMetadataItem("X", "y", "IMAGERY")
b = ds.GetRasterBand(1); b.SetMetadataItem("STATISTICS_MAXIMUM", "255"); b.SetUnitType("K")
ds = None
print("null")`);
    const want = gdalDescribes(path);
    expect(want.dataset).toStrictEqual({ A: "2", B: "file", C: "pam" });
    const src = await openGeoTiff(path);
    await src.close();
    expect([src.meta.attrs.A, src.meta.attrs.C, src.meta.attrs.metadataDomains]).toStrictEqual([
      "2",
      "pam",
      { IMAGERY: { X: "y" } },
    ]);
    const out = tmp("out.tif");
    expect(tilecast("convert", path, out, "-q").code).toBe(0);
    expect(gdalDescribes(out)).toStrictEqual(want);
  });

  it.skipIf(!hasGdal)("items and attributes named as tilecast's typed ones stay out of them", async () => {
    const attrs = parseGdalMetadata(
      '<GDALMetadata><Item name="scale">x</Item><Item name="bandNames">y</Item><Item name="KEEP">z</Item></GDALMetadata>',
      1,
    );
    expect(attrs).toStrictEqual({ KEEP: "z" });
    const store = tmp("typed.zarr");
    py(`import xarray as xr
xr.DataArray(np.zeros((2, 3), dtype="f4"), dims=("y", "x"), attrs={"scale": 0.01, "bandNames": "x", "colorTable": [1], "units": "K"}).to_dataset(name="v").to_zarr(${JSON.stringify(store)}, mode="w")
print("null")`);
    const z = await openZarrSource(store, { variable: "v" });
    expect([z.meta.attrs.scale, z.meta.attrs.bandNames, z.meta.attrs.colorTable, z.meta.attrs.units]).toStrictEqual([
      undefined,
      undefined,
      undefined,
      "K",
    ]);
    await z.close();
  });

  it.skipIf(!hasGdal)("a sidecar's unit type fills the file's gap, as in GDAL", async () => {
    const path = tmp("plain.tif");
    py(`gdal.GetDriverByName("GTiff").Create(${JSON.stringify(path)}, 4, 3, 1, gdal.GDT_Float32)
print("null")`);
    writeFileSync(
      `${path}.aux.xml`,
      '<PAMDataset><PAMRasterBand band="1"><UnitType>mm/h</UnitType></PAMRasterBand></PAMDataset>\n',
    );
    expect(gdalDescribes(path).bands[0]?.unit).toBe("mm/h");
    const src = await openGeoTiff(path);
    await src.close();
    expect(src.meta.attrs.bandUnits).toStrictEqual(["mm/h"]);
  });
});
