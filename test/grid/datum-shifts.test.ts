/**
 * EPSG CRSs whose bundled definitions shift the datum by a grid file tilecast does not ship
 * (British National Grid, the NAD27 state planes, DHDN, NZGD49: 309 codes). proj4 gave NaN for
 * every point of them, and pyproj, reading the WKT tilecast wrote to Zarr, stopped on the missing
 * grid. Now they transform as PROJ does without the grid, and their WKT is EPSG's.
 */

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { crsFromEpsg, parseCrs, transformPoint } from "../../src/grid/crs.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, hasPyproj, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const require = createRequire(import.meta.url);
const index = require("epsg-index/all.json") as Record<
  string,
  { proj4: string | null; wkt: string | null; bbox: number[] }
>;
const gridded = Object.entries(index)
  .filter(([, e]) => /\+nadgrids=(?!@null)/.test(e.proj4 ?? ""))
  .map(([c]) => Number(c));

describe("datum shifts by grid", () => {
  it("no definition tilecast holds needs a grid, nor names one in its WKT", () => {
    expect(gridded.length).toBe(309);
    for (const code of gridded) {
      const c = crsFromEpsg(code);
      expect(c.proj4, String(code)).not.toMatch(/nadgrids/);
      expect(c.wkt ?? "", String(code)).not.toMatch(/PROJ4_GRIDS/);
    }
    // Every one transforms the centre of its area there and back (NaN both ways before).
    for (const code of gridded) {
      const [n, w, south, e] = index[String(code)]?.bbox as [number, number, number, number];
      const centre: [number, number] = [(w + (e < w ? e + 360 : e)) / 2, (n + south) / 2];
      const there = transformPoint(crsFromEpsg(4326), crsFromEpsg(code), centre);
      const back = transformPoint(crsFromEpsg(code), crsFromEpsg(4326), there);
      expect(there.every(Number.isFinite), String(code)).toBe(true);
      const dLon = Math.abs(((((back[0] - centre[0]) % 360) + 540) % 360) - 180); // across the antimeridian too
      expect(dLon + Math.abs(back[1] - centre[1]), String(code)).toBeLessThan(1e-6);
    }
    // The same CRS read from its WKT, which ends in its code (a Zarr store's crs_wkt): it took
    // the index's PROJ string, grid and all, and transformed every point to NaN.
    for (const code of gridded) {
      const byWkt = parseCrs(crsFromEpsg(code).wkt ?? "");
      expect(byWkt.proj4, String(code)).toBe(crsFromEpsg(code).proj4);
    }
    const bng = parseCrs(crsFromEpsg(27700).wkt ?? "");
    const [x, y] = transformPoint(crsFromEpsg(4326), bng, [-1, 52]);
    expect([x, y]).toEqual(transformPoint(crsFromEpsg(4326), crsFromEpsg(27700), [-1, 52]));
    expect(x).toBeGreaterThan(460000);
    // British National Grid: EPSG's Helmert to WGS 84 (EPSG:1314), as PROJ uses it without OSTN15.
    expect(crsFromEpsg(27700).proj4).toContain("+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489");
  });

  it.skipIf(!hasGdal).each([
    // code, x, y, the metres GDAL may differ by: EPSG's stated accuracy of the Helmert tilecast
    // uses (GDAL here may pick another per point, or a grid PROJ's data package installed).
    [27700, 400000, 200000, 2],
    [4277, -2, 52, 2],
    [2204, 600000, 200000, 10],
    [4267, -90, 40, 10],
    [3068, 25000, 21000, 3],
    [27200, 2500000, 6000000, 5],
    [2009, 300000, 5000000, 1], // no Helmert: neither shifts (PROJ's ballpark)
  ])("EPSG:%i to WGS 84 lands where GDAL puts it", (code, x, y, metres) => {
    const [lon, lat] = transformPoint(crsFromEpsg(code), crsFromEpsg(4326), [x, y]);
    const g = spawnSync("gdaltransform", ["-s_srs", `EPSG:${code}`, "-t_srs", "EPSG:4326", "-output_xy"], {
      input: `${x} ${y}\n`,
      encoding: "utf8",
    });
    const [glon, glat] = g.stdout.trim().split(/\s+/).map(Number) as [number, number];
    const dx = (lon - glon) * 111_320 * Math.cos((glat * Math.PI) / 180);
    const dy = (lat - glat) * 110_540;
    expect(Math.hypot(dx, dy)).toBeLessThan(metres);
  });

  it.skipIf(!hasGdal).each([
    // code, longitude, latitude, metres off GDAL before. The index's shifts came from an older
    // EPSG dataset: coordinate-frame rotations with their signs reversed (Belgian Lambert 72,
    // Finland's KKJ, Israel's grid, Hong Kong 1980), another transformation than PROJ's
    // (Amersfoort / RD New, Old Hawaiian), none where PROJ has one (S-JTSK (Ferro)), a
    // Molodensky-Badekas shift (Korean 1985), one step of two (WGS 72 to WGS 84 (2)).
    [31370, 4.45, 50.5, 65.5],
    [2391, 21, 64.5, 305.3],
    [2039, 34.93, 31.37, 154.6],
    [2326, 114.14, 22.36, 55.8],
    [28992, 5.21, 52.23, 170.6],
    [3561, -155.42, 19.6, 444.6],
    [2065, 17.33, 49.4, 124.3],
    [2096, 128.83, 36.57, 20.2],
    [4322, 10, 50, 17.7],
  ])("EPSG:%i from WGS 84 lands where GDAL puts it (%f, %f; %f m off before)", (code, lon, lat) => {
    const [x, y] = transformPoint(crsFromEpsg(4326), crsFromEpsg(code), [lon, lat]);
    const g = spawnSync("gdaltransform", ["-s_srs", "EPSG:4326", "-t_srs", `EPSG:${code}`, "-output_xy"], {
      input: `${lon} ${lat}\n`,
      encoding: "utf8",
    });
    const [gx, gy] = g.stdout.trim().split(/\s+/).map(Number) as [number, number];
    const metres =
      code === 4322 ? [(x - gx) * 111_320 * Math.cos((lat * Math.PI) / 180), (y - gy) * 110_540] : [x - gx, y - gy];
    expect(Math.hypot(metres[0] as number, metres[1] as number)).toBeLessThan(0.05);
  });

  it.skipIf(!hasPyproj)("a Zarr store in British National Grid is EPSG:27700 to pyproj, and transforms", () => {
    const path = tmp("bng.tif");
    const args = ["-q", "-outsize", "4", "3", "-ot", "Float32", "-a_srs", "EPSG:27700", "-a_ullr"];
    expect(spawnSync("gdal_create", [...args, "400000", "200030", "400040", "200000", path]).status).toBe(0);
    const store = tmp("bng.zarr");
    expect(tilecast("convert", path, store, "-q").code).toBe(0);
    // pyproj (rioxarray's CRS) read the grid-naming WKT as a bound CRS that failed to transform
    // ("hgridshift: File not found") and had no EPSG code.
    const seen = py<[number | null, number, number]>(`import xarray as xr
from pyproj import CRS, Transformer
c = CRS.from_wkt(xr.open_zarr(${JSON.stringify(store)}).spatial_ref.attrs["crs_wkt"])
print(json.dumps([c.to_epsg(), *Transformer.from_crs(c, "EPSG:4326", always_xy=True).transform(400000, 200000)]))`);
    expect(seen[0]).toBe(27700);
    expect(seen[1]).toBeCloseTo(-2.0014, 3);
    expect(seen[2]).toBeCloseTo(51.6987, 3);
  });
});
