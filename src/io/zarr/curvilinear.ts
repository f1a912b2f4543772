/**
 * Georeferencing a Zarr variable from 2-D latitude and longitude arrays over its rows and columns
 * (CF auxiliary coordinates, named in its `coordinates` attribute: a satellite swath's
 * geolocation, an ocean model's `nav_lat`/`nav_lon`, WRF's `XLAT`/`XLONG`), where it has no 1-D
 * coordinates that place it:
 * - arrays whose values lie on an affine grid (a regular latitude/longitude grid stored 2-D) give
 *   an EPSG:4326 transform, as 1-D coordinates would (rows flipped north-up, 360 degrees periodic);
 * - any other gives ground control points in EPSG:4326 at the centres of up to 21 x 21 cells
 *   spread evenly over the grid, first and last rows and columns included, so a GeoTIFF written
 *   from it opens placed in QGIS and `gdalwarp` can warp it. Cells whose latitude or longitude is
 *   missing (a swath's fill) are left out.
 *
 * Only the sampled rows and the first and last columns are read, so a swath far larger than
 * memory is georeferenced in a few reads; the affine test sees those cells only.
 */
import { crsFromEpsg } from "../../grid/crs.js";
import { IDENTITY_TRANSFORM } from "../../grid/geotransform.js";
import type { Gcp } from "../../grid/grid.js";
import type { ZarrArrayInfo, ZarrDataset } from "./dataset.js";
import { type Coord, type CoordGeoref, coordCrs, georefFromCoords, LAT_UNITS, LON_UNITS } from "./georef.js";
import { longitudeForm } from "./longitude-form.js";
import { readPositions } from "./read.js";

const LAT_NAME = /^(lat|latitude|nav_lat|xlat|xlat_m|lat_rho|tlat|geolat)$/i;
const LON_NAME = /^(lon|long|longitude|nav_lon|xlong|xlong_m|lon_rho|tlong|geolon)$/i;

/** The most rows (and columns) sampled for ground control points. */
const SAMPLES = 21;

function isAxis(a: ZarrArrayInfo, axis: "lat" | "lon"): boolean {
  const sn = a.attrs.standard_name;
  const units = String(a.attrs.units ?? "").trim();
  if (axis === "lat") return sn === "latitude" || LAT_UNITS.test(units) || LAT_NAME.test(a.name.split("/").pop() ?? "");
  return sn === "longitude" || LON_UNITS.test(units) || LON_NAME.test(a.name.split("/").pop() ?? "");
}

/**
 * The 2-D latitude and longitude arrays over `info`'s last two dims: among those its
 * `coordinates` attribute names, else among every array of the store; null without both.
 */
export function latLon2d(ds: ZarrDataset, info: ZarrArrayInfo): { lat: ZarrArrayInfo; lon: ZarrArrayInfo } | null {
  const [yDim, xDim] = info.dims.slice(-2);
  const listed = typeof info.attrs.coordinates === "string" ? info.attrs.coordinates.split(/\s+/).filter(Boolean) : [];
  const pool = listed.length
    ? listed.flatMap((n) => ds.arrays.get(n) ?? [])
    : [...ds.arrays.values()].filter((a) => a !== info);
  // Over the same rows and columns: the same dims, and as many of each (Zarr does not make a
  // store's arrays agree on a dim's length).
  const [h, w] = info.shape.slice(-2);
  const over = pool.filter(
    (a) => a.dims.length === 2 && a.dims[0] === yDim && a.dims[1] === xDim && a.shape[0] === h && a.shape[1] === w,
  );
  const lat = over.find((a) => isAxis(a, "lat"));
  const lon = over.find((a) => a !== lat && isAxis(a, "lon"));
  return lat && lon ? { lat, lon } : null;
}

/** `n` indices from 0 to `size - 1` spread evenly (all of them when `size <= n`). */
function spread(size: number, n: number): number[] {
  if (size <= n) return Array.from({ length: size }, (_, i) => i);
  return Array.from({ length: n }, (_, k) => Math.round((k * (size - 1)) / (n - 1)));
}

/** Sampled cells of one 2-D array: whole rows `rows`, and whole first and last columns. */
interface Sample {
  rows: Map<number, Float64Array>;
  first: Float64Array;
  last: Float64Array;
}

async function sample(a: ZarrArrayInfo, rows: number[], h: number, w: number, where: string): Promise<Sample> {
  const out = new Map<number, Float64Array>();
  for (const j of rows)
    out.set(
      j,
      await readPositions(
        a,
        [
          [j, j + 1],
          [0, w],
        ],
        where,
      ),
    );
  return {
    rows: out,
    first: await readPositions(
      a,
      [
        [0, h],
        [0, 1],
      ],
      where,
    ),
    last: await readPositions(
      a,
      [
        [0, h],
        [w - 1, w],
      ],
      where,
    ),
  };
}

/**
 * Sampled longitudes in the form that keeps them in one piece (`longitudeForm`): a swath across
 * the antimeridian at 170 ... 190, not 170 ... 180 and -180 ... -170, so that its GCPs, and a
 * regular grid's transform, describe it without a jump.
 */
function inOnePiece(s: Sample): Sample {
  const f = longitudeForm([...s.rows.values(), s.first, s.last]);
  const map = (a: Float64Array) => a.map(f);
  return { rows: new Map([...s.rows].map(([j, a]) => [j, map(a)])), first: map(s.first), last: map(s.last) };
}

/**
 * The affine map from cell centres `(i, j)` to values, fitted at three corners, when every
 * sampled value lies on it (to a millionth of a step); else null.
 */
function affine(s: Sample, h: number, w: number): [number, number, number] | null {
  const top = s.rows.get(0);
  const v00 = top?.[0] as number;
  const di = ((top?.[w - 1] as number) - v00) / (w - 1);
  const dj = ((s.first[h - 1] as number) - v00) / (h - 1);
  const tol = 1e-6 * (Math.abs(di) + Math.abs(dj)) + 1e-12;
  const on = (v: number, i: number, j: number) => Math.abs(v - (v00 + i * di + j * dj)) <= tol;
  for (const [j, row] of s.rows) for (let i = 0; i < w; i++) if (!on(row[i] as number, i, j)) return null;
  for (let j = 0; j < h; j++) if (!on(s.first[j] as number, 0, j) || !on(s.last[j] as number, w - 1, j)) return null;
  return [v00, di, dj];
}

/**
 * Georeferencing from 2-D latitude and longitude arrays (see the module note), or null when the
 * arrays hold no valid position.
 */
export async function curvilinearGeoref(
  lat: ZarrArrayInfo,
  lon: ZarrArrayInfo,
  where: string,
): Promise<CoordGeoref | null> {
  const [h = 0, w = 0] = lat.shape;
  if (h < 2 || w < 2) return null;
  const rows = spread(h, SAMPLES);
  const la = await sample(lat, rows, h, w, where);
  const lo = inOnePiece(await sample(lon, rows, h, w, where));
  const crs = crsFromEpsg(4326);
  const fx = affine(lo, h, w);
  const fy = affine(la, h, w);
  if (fx && fy && fy[1] === 0 && fx[2] === 0 && fx[1] !== 0 && fy[2] !== 0) {
    // Latitude varies down the rows alone, longitude along them: the first column and row are
    // the 1-D coordinates, placed as those are (north-up, periodic over 360 degrees).
    const g = georefFromCoords(
      { name: "lat", values: la.first },
      { name: "lon", values: lo.rows.get(0) ?? [] },
      null,
      true,
    );
    if (g) return g;
  }
  const gcps: Gcp[] = [];
  for (const j of rows) {
    const y = la.rows.get(j) as Float64Array;
    const x = lo.rows.get(j) as Float64Array;
    for (const i of spread(w, SAMPLES)) {
      const [lonV, latV] = [x[i] as number, y[i] as number];
      if (Number.isFinite(lonV) && Number.isFinite(latV) && Math.abs(latV) <= 90)
        gcps.push({ pixel: i + 0.5, line: j + 0.5, x: lonV, y: latV, z: 0 });
    }
  }
  if (!gcps.length) return null;
  const geolocation = { store: where, lat: lat.name, lon: lon.name, x: 0, y: 0 };
  return {
    georef: { transform: IDENTITY_TRANSFORM, crs, rasterType: "area", gcps, geolocation },
    flipY: false,
    periodicX: false,
  };
}

/**
 * Ground control points from 1-D coordinates too irregular for a transform (a stretched grid,
 * latitudes refined towards the equator): up to 21 x 21 cells, each at its own coordinates, in
 * the coordinates' CRS (`coordCrs`); null when no sampled cell has finite coordinates.
 */
export function irregularGeoref(y: Coord, x: Coord, crsText: string | null, geographic: boolean): CoordGeoref | null {
  const gcps: Gcp[] = [];
  for (const j of spread(y.values.length, SAMPLES))
    for (const i of spread(x.values.length, SAMPLES)) {
      const [xv, yv] = [x.values[i] as number, y.values[j] as number];
      if (Number.isFinite(xv) && Number.isFinite(yv)) gcps.push({ pixel: i + 0.5, line: j + 0.5, x: xv, y: yv, z: 0 });
    }
  if (!gcps.length) return null;
  const crs = coordCrs(crsText, geographic);
  return { georef: { transform: IDENTITY_TRANSFORM, crs, rasterType: "area", gcps }, flipY: false, periodicX: false };
}
