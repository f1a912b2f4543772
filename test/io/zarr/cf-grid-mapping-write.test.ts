/**
 * The CF grid-mapping parameters a Zarr output's `spatial_ref` carries beside its WKT, as
 * rioxarray writes them, for netCDF tools that read no WKT (CDO, ncview, Panoply): each CRS's
 * parameters, read back by pyproj's `CRS.from_cf` with the WKT taken away, and by tilecast's own
 * CF reading, place points where the CRS itself does. Before, the outputs carried WKT alone.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Crs, crsFromEpsg, parseCrs, transformPoint } from "../../../src/grid/crs.js";
import { cfGridMappingProj } from "../../../src/io/zarr/cf-grid-mapping.js";
import { cfGridMappingAttrs } from "../../../src/io/zarr/cf-grid-mapping-write.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

/** CRSs by EPSG code or PROJ string, each with a point inside its area (its own coordinates). */
const CASES: [string, [number, number]][] = [
  ["EPSG:32633", [500000, 5200000]], // UTM 33N
  ["EPSG:32733", [400000, 7000000]], // UTM 33S (false northing)
  ["EPSG:3035", [4321000, 3210000]], // LAEA Europe
  ["EPSG:3413", [-1000000, -1500000]], // NSIDC polar stereographic north (latitude of true scale)
  ["EPSG:3031", [500000, 1200000]], // Antarctic polar stereographic
  ["EPSG:32661", [2100000, 2100000]], // UPS north (scale factor)
  ["EPSG:2154", [700000, 6600000]], // Lambert-93 (two parallels)
  ["EPSG:5070", [1000000, 2000000]], // CONUS Albers
  ["EPSG:3857", [1200000, 6000000]], // Web Mercator
  ["EPSG:4326", [10, 50]],
  [
    "+proj=lcc +lat_0=63.3 +lon_0=15 +lat_1=63.3 +lat_2=63.3 +x_0=0 +y_0=0 +R=6371000 +units=m +no_defs",
    [250000, -125000],
  ],
  ["+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs", [1000000, 5000000]],
  [
    "+proj=geos +h=35786023 +lon_0=-75 +sweep=x +x_0=0 +y_0=0 +a=6378137 +b=6356752.31414 +units=m +no_defs",
    [1200000, 800000],
  ],
  ["+proj=geos +h=35785831 +lon_0=9.5 +x_0=0 +y_0=0 +a=6378169 +b=6356583.8 +units=m +no_defs", [-900000, 3000000]],
  ["+proj=ob_tran +o_proj=longlat +o_lat_p=37.5 +o_lon_p=10 +lon_0=357.5 +R=6371229 +no_defs", [-3, 4.5]],
  ["+proj=merc +lon_0=10 +lat_ts=20 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs", [500000, 3000000]],
  ["+proj=stere +lat_0=52 +lon_0=5 +k=0.9999 +x_0=0 +y_0=0 +ellps=bessel +units=m +no_defs", [30000, -20000]],
  // EASE-Grid 2.0 (global), an azimuthal equidistant radar grid, an orthographic view on a sphere.
  ["+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs", [1200000, 3000000]],
  ["+proj=aeqd +lat_0=52.1 +lon_0=5.2 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs", [-80000, 60000]],
  ["+proj=ortho +lat_0=40 +lon_0=-100 +x_0=0 +y_0=0 +R=6370997 +units=m +no_defs", [900000, -400000]],
];

const crsOf = (t: string): Crs => (t.startsWith("EPSG:") ? crsFromEpsg(Number(t.slice(5))) : parseCrs(t));

describe.skipIf(!hasGdal)("CF grid-mapping parameters written", () => {
  it("pyproj's CRS.from_cf and tilecast read each back to the same places", () => {
    const attrs = CASES.map(([t]) => cfGridMappingAttrs(crsOf(t)));
    attrs.forEach((a, i) => expect(a, CASES[i]?.[0]).not.toBeNull());
    const seen = py<{ want: number[]; got: number[] }[]>(`from pyproj import CRS, Transformer
out = []
for (t, p), a in zip(${JSON.stringify(CASES)}, ${JSON.stringify(attrs)}):
    want = Transformer.from_crs(CRS.from_user_input(t), "EPSG:4326", always_xy=True).transform(*p)
    got = Transformer.from_crs(CRS.from_cf(a), "EPSG:4326", always_xy=True).transform(*p)
    out.append({"want": list(want), "got": list(got)})
print(json.dumps(out))`);
    const wgs84 = crsFromEpsg(4326);
    seen.forEach(({ want, got }, i) => {
      const [name, p] = CASES[i] as [string, [number, number]];
      expect(Math.abs((got[0] as number) - (want[0] as number)), `${name} lon (pyproj)`).toBeLessThan(1e-7);
      expect(Math.abs((got[1] as number) - (want[1] as number)), `${name} lat (pyproj)`).toBeLessThan(1e-7);
      // tilecast's CF reading (no WKT) lands there too.
      const proj = cfGridMappingProj(attrs[i] as Record<string, unknown>);
      const [lon, lat] = transformPoint(parseCrs(proj as string), wgs84, p);
      expect(Math.abs(lon - (want[0] as number)), `${name} lon (tilecast)`).toBeLessThan(1e-7);
      expect(Math.abs(lat - (want[1] as number)), `${name} lat (tilecast)`).toBeLessThan(1e-7);
    });
    // What CF has no mapping for: the WKT alone.
    expect(cfGridMappingAttrs(crsFromEpsg(5514))).toBeNull(); // Krovak
    expect(cfGridMappingAttrs(parseCrs("+proj=lcc +lat_1=40 +lon_0=10 +k_0=0.999"))).toBeNull();
    // A south-orientated grid: CF's axes point east and north (written as plain transverse
    // Mercator before, every point mirrored through the origin for a reader of CF's parameters).
    expect(cfGridMappingAttrs(parseCrs("+proj=tmerc +lon_0=21 +k=1 +axis=wsu +ellps=WGS84"))).toBeNull();
  });

  it("a Zarr output's spatial_ref carries them, and its km coordinates say km", async () => {
    const dir = tmp("cf-write");
    const src = join(dir, "km.zarr");
    py(`import xarray as xr
a = {"grid_mapping_name": "lambert_conformal_conic", "standard_parallel": 25.0, "longitude_of_central_meridian": 265.0,
     "latitude_of_projection_origin": 25.0, "earth_radius": 6371229.0, "false_easting": 1500.0}
ds = xr.Dataset({"t": (("y", "x"), np.zeros((4, 5), "f4"), {"grid_mapping": "lc"})},
    coords={"x": ("x", 3000.0 + 2.5 * np.arange(5), {"units": "km"}), "y": ("y", 1200.0 - 2.5 * np.arange(4), {"units": "km"})})
ds["lc"] = xr.DataArray(0, attrs=a)
ds.to_zarr(${JSON.stringify(src)})
print("null")`);
    const out = join(dir, "out.zarr");
    await convertRaster(src, out, { variable: "t" });
    const seen = py<{ gm: string; units: string; x0: number; fe: number; same: boolean }>(`import xarray as xr
from pyproj import CRS, Transformer
z = xr.open_zarr(${JSON.stringify(out)})
a = {k: v for k, v in z.spatial_ref.attrs.items() if k not in ("crs_wkt", "spatial_ref", "GeoTransform")}
# CF's false easting and northing are in the coordinates' units (km): pyproj's from_cf takes metres.
m = {**a, "false_easting": a["false_easting"] * 1000, "false_northing": a["false_northing"] * 1000}
t1 = Transformer.from_crs(CRS.from_cf(m), "EPSG:4326", always_xy=True)
t2 = Transformer.from_crs(CRS.from_wkt(z.spatial_ref.attrs["crs_wkt"]), "EPSG:4326", always_xy=True)
x0, y0 = float(z.x.values[0]), float(z.y.values[0])
print(json.dumps({"gm": a["grid_mapping_name"], "units": z.x.attrs["units"], "x0": x0, "fe": a["false_easting"],
  "same": bool(np.allclose(t1.transform(x0 * 1000, y0 * 1000), t2.transform(x0, y0), atol=1e-9))}))`);
    // The input's false easting, 1500 km as CF and GDAL read it, is written back in km.
    expect(seen).toStrictEqual({ gm: "lambert_conformal_conic", units: "km", x0: 3000, fe: 1500, same: true });
  });
});
