/**
 * {@link Crs} -> GeoKeys: one key for EPSG codes, user-defined keys (method, parameters,
 * ellipsoid) for custom projections, in the form GDAL writes and decodes.
 */
import { TilecastError } from "../../errors.js";
import { type Crs, epsgKind, proj4, proj4Definition } from "../../grid/crs.js";
import { namesFromWkt } from "../../grid/crs-names.js";
import { proj4Wkt } from "../../grid/proj-wkt.js";
import { citationKeys } from "./citations.js";
import { ellipsoidKeys } from "./geog-keys-write.js";
import { projectionKeys } from "./geokey-params.js";
import { Key, USER_DEFINED } from "./geokeys.js";
import type { IfdEntry } from "./ifd.js";
import { linearUnitCode } from "./linear-units.js";
import { FieldType, Tag } from "./tags.js";
import { VERTICAL_CS } from "./vertical.js";

/** A key to write: SHORT keys hold integers, DOUBLE and ASCII keys go to their param tags. */
export type GeoKeyEntry = { key: number; value: number | readonly number[] | string; double?: boolean };

/** The parameters proj4 derives from a definition (angles in radians). */
export type ProjParams = Record<string, unknown> & { names?: string[] };

/** GeoKeys for a CRS: one key for EPSG codes, user-defined keys for custom projections. */
export function geoKeysFromCrs(crs: Crs, rasterType: "area" | "point"): GeoKeyEntry[] {
  const rt: GeoKeyEntry = { key: Key.GTRasterType, value: rasterType === "point" ? 2 : 1 };
  if (crs.epsg !== null) {
    const kind = epsgKind(crs.epsg);
    if (kind === "projected") {
      return [{ key: Key.GTModelType, value: 1 }, rt, { key: Key.ProjectedCSType, value: crs.epsg }];
    }
    if (kind === "geographic") {
      return [{ key: Key.GTModelType, value: 2 }, rt, { key: Key.GeographicType, value: crs.epsg }];
    }
  }
  const def = proj4Definition(crs);
  let p: ProjParams;
  try {
    p = new (proj4().Proj)(def) as unknown as typeof p;
  } catch (e) {
    // A WKT proj4 has no method for (Natural Earth, Winkel tripel, Eckert IV, as GDAL's PE
    // strings name them) is written as it came, as GDAL writes it.
    if (crs.wkt) return peStringKeys(crs.wkt, rt);
    throw new TilecastError("E_UNSUPPORTED", `cannot interpret CRS '${def.slice(0, 60)}'`, {
      cause: e,
    });
  }
  const names = new Set((p.names ?? []).map((n: string) => n.toLowerCase()));
  const has = (n: string) => names.has(n);
  const numOr = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) ? v : d);
  // A CRS known by its WKT alone (a sidecar's, a Zarr store's crs_wkt, a PE string) is written so
  // that GDAL reads that WKT back, as a PE string with the model user-defined, beside the keys
  // that describe it as far as keys can. A rotated pole, for one, has no keys: proj4 reads its
  // WKT as plain longitude and latitude.
  const wkt = crs.wkt !== null && (crs.proj4 === null || isEsriWkt(crs.wkt)) ? crs.wkt : null;
  // A user-defined geographic part is named in citations, as GDAL names it (crs-names.ts).
  const named = crs.names ?? namesFromWkt(crs.wkt);
  const geog = ellipsoidKeys(p, named?.ellipsoid !== undefined);
  const userGcs = geog[0]?.value === USER_DEFINED;
  const userEllipsoid = geog.some((k) => k.key === Key.GeogEllipsoid && k.value === USER_DEFINED);
  if (has("longlat") || has("identity")) {
    if (wkt) return [...peStringKeys(wkt, rt), ...geog];
    const cite = userGcs && named ? citationKeys(named, false, userEllipsoid) : [];
    return [{ key: Key.GTModelType, value: 2 }, rt, ...geog, ...cite];
  }
  // Lengths in GeoKeys are in the CRS's unit; proj4 holds false eastings in metres.
  const metres = numOr(p.to_meter, 1);
  const fe = numOr(p.x0, 0) / metres;
  const fn = numOr(p.y0, 0) / metres;
  const params = projectionKeys(p, fe, fn);
  // No keys for it (a geostationary view, a rotated pole): its WKT, else GDAL's WKT 1 for its
  // PROJ string, which GDAL and tilecast read back as that string.
  if (!params) return peStringKeys(crs.wkt ?? proj4Wkt(def), rt);
  // Such a WKT says more than the keys can: an ESRI one's Web Mercator auxiliary sphere, for
  // one, would be read back as Mercator on the ellipsoid, tens of kilometres off. GDAL writes the
  // keys and the WKT both, the model user-defined, and then reads the WKT.
  return [
    { key: Key.GTModelType, value: wkt ? USER_DEFINED : 1 },
    rt,
    ...(named ? citationKeys(named, true, userEllipsoid) : []).filter((k) => userGcs || k.key === Key.GTCitation),
    ...(wkt ? [{ key: Key.PCSCitation, value: `ESRI PE String = ${wkt}` }] : []),
    ...geog,
    { key: Key.ProjectedCSType, value: USER_DEFINED },
    { key: Key.Projection, value: USER_DEFINED },
    ...params,
    ...unitKeys(metres),
  ];
}

/**
 * A CRS with no GeoKeys for it (a geostationary view, an ESRI-only projection): as GDAL does, a
 * user-defined model with the WKT as an ESRI PE string in the projected CRS citation.
 */
function peStringKeys(wkt: string, rt: GeoKeyEntry): GeoKeyEntry[] {
  return [
    { key: Key.GTModelType, value: USER_DEFINED },
    rt,
    { key: Key.PCSCitation, value: `ESRI PE String = ${wkt}` },
  ];
}

/** `ProjLinearUnits` for a unit of `metres`, with its size where no EPSG code matches. */
function unitKeys(metres: number): GeoKeyEntry[] {
  const u = linearUnitCode(metres);
  const keys: GeoKeyEntry[] = [{ key: Key.ProjLinearUnits, value: u.code }];
  if (u.size !== undefined) keys.push({ key: Key.ProjLinearUnitSize, value: u.size, double: true });
  return keys;
}

/** A WKT 1 projected CRS in ESRI's dialect (its datums named `D_...`, as ESRI PE strings name them). */
function isEsriWkt(wkt: string | null): wkt is string {
  return wkt !== null && /^PROJCS\[/.test(wkt) && /DATUM\["D_/.test(wkt);
}

/** The GeoKeyDirectory tag and its DOUBLE and ASCII parameter tags for a set of keys. */
export function geoKeyTags(keys: GeoKeyEntry[]): IfdEntry[] {
  const sorted = [...keys].sort((a, b) => a.key - b.key);
  // GeoTIFF 1.1 where a vertical CRS is given: GDAL reads a compound CRS only from such a directory.
  const minor = sorted.some((k) => k.key === VERTICAL_CS) ? 1 : 0;
  const dir: number[] = [1, 1, minor, sorted.length];
  const doubles: number[] = [];
  let ascii = "";
  let asciiBytes = 0; // the tag is written as UTF-8: a key's count and offset are its bytes, as GDAL reads them
  for (const k of sorted) {
    if (typeof k.value === "string") {
      const text = `${k.value}|`;
      const bytes = Buffer.byteLength(text, "utf8");
      dir.push(k.key, Tag.GeoAsciiParams, bytes, asciiBytes);
      ascii += text;
      asciiBytes += bytes;
    } else if (k.double || typeof k.value !== "number") {
      const values = typeof k.value === "number" ? [k.value] : k.value;
      dir.push(k.key, Tag.GeoDoubleParams, values.length, doubles.length);
      doubles.push(...values);
    } else {
      dir.push(k.key, 0, 1, k.value);
    }
  }
  const out: IfdEntry[] = [{ tag: Tag.GeoKeyDirectory, type: FieldType.SHORT, values: dir }];
  if (doubles.length) out.push({ tag: Tag.GeoDoubleParams, type: FieldType.DOUBLE, values: doubles });
  if (ascii) out.push({ tag: Tag.GeoAsciiParams, type: FieldType.ASCII, values: ascii });
  return out;
}
