/**
 * The PROJ string of a rotated pole given as WKT 2 (a `GEOGCRS` with a `DERIVINGCONVERSION`, as
 * pyproj's `to_cf` writes into a COSMO or ICON store's `crs_wkt`): proj4 read that WKT as plain
 * longitude and latitude on its base CRS, so every point was off by the rotation with no error.
 * PROJ's three methods are read: CF's (the grid's north pole), GRIB's (its south pole and an axis
 * rotation) and its own `ob_tran`, each as PROJ writes it as `ob_tran`.
 *
 * @example
 * ```ts
 * rotatedPoleProj(pyprojRotatedPoleWkt);
 * // "+proj=ob_tran +o_proj=longlat +o_lat_p=40 +o_lon_p=0 +lon_0=10 +a=6378137 +rf=298.257223563 +no_defs"
 * ```
 */
import { splitWkt } from "./wkt-split.js";

/** The children of `wkt`'s first element named `keyword` at its top level, or null. */
function child(wkt: string, keyword: string): string[] | null {
  for (const c of splitWkt(wkt)?.children ?? []) {
    const s = splitWkt(c);
    if (s?.keyword === keyword) return s.children;
  }
  return null;
}

/** A quoted WKT name without its quotes. */
const unquoted = (s: string | undefined) => (s ?? "").replace(/^"|"$/g, "").replace(/""/g, '"');

/** The rotated pole's PROJ string, or null where `wkt` is no rotated pole read here. */
export function rotatedPoleProj(wkt: string): string | null {
  if (splitWkt(wkt)?.keyword !== "GEOGCRS") return null;
  const conversion = child(wkt, "DERIVINGCONVERSION");
  const base = child(wkt, "BASEGEOGCRS");
  if (!conversion || !base) return null;
  // Parameters by name, in degrees (WKT 2 gives each its ANGLEUNIT).
  const params = new Map<string, number>();
  for (const c of conversion) {
    const p = splitWkt(c);
    if (p?.keyword !== "PARAMETER") continue;
    const unit = p.children.map(splitWkt).find((u) => u?.keyword === "ANGLEUNIT" || u?.keyword === "UNIT");
    const radians = unit ? Number(unit.children[1]) : Math.PI / 180;
    params.set(unquoted(p.children[0]).toLowerCase(), degrees(Number(p.children[1]), radians));
  }
  const get = (name: RegExp) => [...params].find(([k]) => name.test(k))?.[1];
  const method = unquoted(splitWkt(conversion.find((c) => /^METHOD\[/i.test(c)) ?? "")?.children[0]).toLowerCase();
  let pole: string | null = null;
  if (method.startsWith("pole rotation (netcdf cf convention)")) {
    const [lat, lon] = [get(/^grid north pole latitude/), get(/^grid north pole longitude/)];
    if (lat !== undefined && lon !== undefined)
      pole = `+o_lat_p=${lat} +o_lon_p=${get(/^north pole grid longitude/) ?? 0} +lon_0=${180 + lon}`;
  } else if (method === "proj ob_tran o_proj=longlat") {
    // PROJ's own method, as pyproj writes a rotated pole it was given as a PROJ string.
    const [lat, lon] = [get(/^o_lat_p$/), get(/^lon_0$/)];
    if (lat !== undefined && lon !== undefined)
      pole = `+o_lat_p=${lat} +o_lon_p=${get(/^o_lon_p$/) ?? 0} +lon_0=${lon}`;
  } else if (method.startsWith("pole rotation (grib convention)")) {
    const [lat, lon] = [get(/^latitude of the southern pole/), get(/^longitude of the southern pole/)];
    if (lat !== undefined && lon !== undefined)
      pole = `+o_lat_p=${-lat} +o_lon_p=${-(get(/^axis rotation/) ?? 0)} +lon_0=${lon}`;
  }
  const datum = splitWkt(base.find((c) => /^(DATUM|ENSEMBLE)\[/i.test(c)) ?? "");
  const ellipsoid = splitWkt(datum?.children.find((c) => /^(ELLIPSOID|SPHEROID)\[/i.test(c)) ?? "");
  if (!pole || !ellipsoid) return null;
  const [a, rf] = [Number(ellipsoid.children[1]), Number(ellipsoid.children[2])];
  const shape = rf === 0 ? `+R=${a}` : `+a=${a} +rf=${rf}`;
  return `+proj=ob_tran +o_proj=longlat ${pole} ${shape} +no_defs`;
}

/** `v` in a unit of `radians` radians, in degrees (WKT's degree, 0.0174532925199433, as exact). */
export function degrees(v: number, radians: number): number {
  return Math.abs(radians * (180 / Math.PI) - 1) < 1e-12 ? v : (v * radians * 180) / Math.PI;
}
