/**
 * PROJJSON (PROJ's JSON encoding of WKT 2, https://proj.org/specifications/projjson.html) as
 * WKT 2 text, element for element, so that it is read as the WKT pyproj and GDAL write: a Zarr
 * `_CRS` whose `projjson` is all it has (GDAL reads it), a CRS given as JSON. Geographic,
 * projected, derived geographic (a rotated pole), vertical, compound and bound CRSs are read; an
 * ID on the whole CRS ends the WKT, where `parseCrs` reads it as the CRS's EPSG code.
 *
 * @example
 * ```ts
 * import { parseCrs } from "tilecast";
 * const wgs84 = {
 *   type: "GeographicCRS",
 *   name: "WGS 84",
 *   datum: { name: "World Geodetic System 1984", ellipsoid: { name: "WGS 84", semi_major_axis: 6378137, inverse_flattening: 298.257223563 } },
 *   coordinate_system: {
 *     subtype: "ellipsoidal",
 *     axis: [
 *       { name: "Latitude", abbreviation: "lat", direction: "north", unit: "degree" },
 *       { name: "Longitude", abbreviation: "lon", direction: "east", unit: "degree" },
 *     ],
 *   },
 *   id: { authority: "EPSG", code: 4326 },
 * };
 * parseCrs(JSON.stringify(wgs84)).epsg; // 4326
 * ```
 */
import { TilecastError } from "../errors.js";

type Json = Readonly<Record<string, unknown>>;

const DEGREE = 'ANGLEUNIT["degree",0.0174532925199433]';
const NAMED_UNITS: Readonly<Record<string, string>> = {
  metre: 'LENGTHUNIT["metre",1]',
  degree: DEGREE,
  unity: 'SCALEUNIT["unity",1]',
};
const UNIT_KEYWORDS: Readonly<Record<string, string>> = {
  LinearUnit: "LENGTHUNIT",
  AngularUnit: "ANGLEUNIT",
  ScaleUnit: "SCALEUNIT",
  TimeUnit: "TIMEUNIT",
  ParametricUnit: "PARAMETRICUNIT",
};

const fail = (what: string) => new TilecastError("E_ARGUMENT", `PROJJSON ${what}`);
const obj = (v: unknown): Json | null =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : null;
const quoted = (s: unknown) => `"${String(s ?? "unknown").replace(/"/g, '""')}"`;

function num(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw fail(`${what} is not a number`);
  return v;
}

/** A unit: one of PROJJSON's three names, or an object with its type, name and factor. */
function unit(u: unknown, what: string): string {
  if (typeof u === "string") {
    const named = NAMED_UNITS[u];
    if (!named) throw fail(`${what} has unit '${u}', not metre, degree, unity or a unit object`);
    return named;
  }
  const o = obj(u);
  if (!o) throw fail(`${what} has no unit`);
  const keyword = UNIT_KEYWORDS[String(o.type)] ?? "UNIT";
  return `${keyword}[${quoted(o.name)},${num(o.conversion_factor, `${what}'s unit factor`)}]`;
}

/** A value and its unit: a bare number (in `fallback`) or `{ value, unit }`. */
function measure(v: unknown, fallback: string, what: string): string {
  const o = obj(v);
  if (!o) return `${num(v, what)},${unit(fallback, what)}`;
  return `${num(o.value, what)},${unit(o.unit ?? fallback, what)}`;
}

/** The `ID[...]` of an object's `id` (or its first `ids`), with a leading comma; "" for none. */
function id(o: Json): string {
  const first = obj(o.id) ?? (Array.isArray(o.ids) ? obj(o.ids[0]) : null);
  if (!first || typeof first.authority !== "string") return "";
  const code = typeof first.code === "number" ? String(first.code) : quoted(first.code);
  return `,ID[${quoted(first.authority)},${code}]`;
}

function ellipsoid(e: Json | null, what: string): string {
  if (!e) throw fail(`${what} has no ellipsoid`);
  const axis = e.semi_major_axis ?? e.radius;
  const a = num(obj(axis)?.value ?? axis, `${what}'s semi-major axis`);
  let rf = 0;
  if (e.inverse_flattening !== undefined) rf = num(e.inverse_flattening, `${what}'s inverse flattening`);
  else if (e.semi_minor_axis !== undefined) {
    const b = num(obj(e.semi_minor_axis)?.value ?? e.semi_minor_axis, `${what}'s semi-minor axis`);
    rf = a === b ? 0 : a / (a - b);
  }
  const length = unit(obj(axis)?.unit ?? "metre", what);
  return `ELLIPSOID[${quoted(e.name)},${a},${rf},${length}]`;
}

/** A geodetic CRS's datum (or datum ensemble) and prime meridian. */
function datum(crs: Json): string {
  const what = `CRS '${crs.name}'`;
  const frame = obj(crs.datum);
  const ensemble = obj(crs.datum_ensemble);
  const pm = obj(frame?.prime_meridian);
  const primem = pm
    ? `PRIMEM[${quoted(pm.name)},${measure(pm.longitude ?? 0, "degree", `${what}'s prime meridian`)}]`
    : `PRIMEM["Greenwich",0,${DEGREE}]`;
  if (frame) return `DATUM[${quoted(frame.name)},${ellipsoid(obj(frame.ellipsoid), what)}${id(frame)}],${primem}`;
  if (!ensemble) throw fail(`${what} has no datum or datum_ensemble`);
  const members = (Array.isArray(ensemble.members) ? ensemble.members : []).map(
    (m) => `MEMBER[${quoted(obj(m)?.name)}]`,
  );
  const accuracy = ensemble.accuracy === undefined ? "" : `,ENSEMBLEACCURACY[${Number(ensemble.accuracy)}]`;
  return `ENSEMBLE[${quoted(ensemble.name)},${[...members, ellipsoid(obj(ensemble.ellipsoid), what)].join(",")}${accuracy}${id(ensemble)}],${primem}`;
}

function coordinateSystem(cs: unknown, what: string): string {
  const o = obj(cs);
  const axes = Array.isArray(o?.axis) ? o.axis.map(obj) : [];
  if (!o || axes.length === 0) throw fail(`${what} has no coordinate_system axes`);
  const each = axes.map((a, i) => {
    const label = a?.abbreviation ? `${a.name} (${a.abbreviation})` : a?.name;
    return `AXIS[${quoted(label)},${a?.direction},ORDER[${i + 1}],${unit(a?.unit, `${what}'s axis ${i + 1}`)}]`;
  });
  return `CS[${o.subtype},${axes.length}],${each.join(",")}`;
}

/**
 * An abridged transformation's parameter as WKT 2 gives it, without a unit: shifts in metres,
 * rotations in arc-seconds, the scale as a factor (1 + its difference), as PROJ writes them.
 */
function abridged(q: Json): string {
  const v = num(q.value, `parameter '${q.name}'`);
  const u = obj(q.unit);
  const factor = u ? num(u.conversion_factor, `parameter '${q.name}'s unit factor`) : 1;
  if (u?.type === "AngularUnit") return String((v * factor) / (Math.PI / 648000));
  if (u?.type === "ScaleUnit" || /^scale difference$/i.test(String(q.name))) return String(1 + v * factor);
  return String(v * factor);
}

/** A conversion (or a transformation's method and parameters) under `keyword`. */
function conversion(keyword: string, c: unknown, what: string): string {
  const o = obj(c);
  const method = obj(o?.method);
  if (!o || !method) throw fail(`${what} has no conversion method`);
  const params = (Array.isArray(o.parameters) ? o.parameters : []).map((p) => {
    const q = obj(p) ?? {};
    if (keyword === "ABRIDGEDTRANSFORMATION") return `PARAMETER[${quoted(q.name)},${abridged(q)}${id(q)}]`;
    const u = q.unit === undefined ? "" : `,${unit(q.unit, `parameter '${q.name}'`)}`;
    return `PARAMETER[${quoted(q.name)},${num(q.value, `parameter '${q.name}'`)}${u}${id(q)}]`;
  });
  return `${keyword}[${[`${quoted(o.name)}`, `METHOD[${quoted(method.name)}${id(method)}]`, ...params].join(",")}]`;
}

/** A CRS object's WKT 2 (see the module note). */
function crsWkt(crs: Json): string {
  const what = `${crs.type} '${crs.name}'`;
  const base = obj(crs.base_crs);
  switch (crs.type) {
    case "GeographicCRS":
    case "GeodeticCRS":
      if (obj(crs.coordinate_system)?.subtype !== "ellipsoidal") throw fail(`${what} is not latitude and longitude`);
      return `GEOGCRS[${quoted(crs.name)},${datum(crs)},${coordinateSystem(crs.coordinate_system, what)}${id(crs)}]`;
    case "DerivedGeographicCRS":
      if (!base) throw fail(`${what} has no base_crs`);
      return `GEOGCRS[${quoted(crs.name)},BASEGEOGCRS[${quoted(base.name)},${datum(base)}${id(base)}],${conversion("DERIVINGCONVERSION", crs.conversion, what)},${coordinateSystem(crs.coordinate_system, what)}${id(crs)}]`;
    case "ProjectedCRS":
      if (!base) throw fail(`${what} has no base_crs`);
      return `PROJCRS[${quoted(crs.name)},BASEGEOGCRS[${quoted(base.name)},${datum(base)}${id(base)}],${conversion("CONVERSION", crs.conversion, what)},${coordinateSystem(crs.coordinate_system, what)}${id(crs)}]`;
    case "VerticalCRS": {
      const vd = obj(crs.datum) ?? obj(crs.datum_ensemble);
      return `VERTCRS[${quoted(crs.name)},VDATUM[${quoted(vd?.name)}],${coordinateSystem(crs.coordinate_system, what)}${id(crs)}]`;
    }
    case "CompoundCRS": {
      const parts = (Array.isArray(crs.components) ? crs.components : []).map((c) => crsWkt(obj(c) ?? {}));
      if (parts.length < 2) throw fail(`${what} has fewer than two components`);
      return `COMPOUNDCRS[${quoted(crs.name)},${parts.join(",")}${id(crs)}]`;
    }
    case "BoundCRS": {
      const [source, target] = [obj(crs.source_crs), obj(crs.target_crs)];
      if (!source || !target) throw fail(`${what} lacks its source_crs or target_crs`);
      return `BOUNDCRS[SOURCECRS[${crsWkt(source)}],TARGETCRS[${crsWkt(target)}],${conversion("ABRIDGEDTRANSFORMATION", crs.transformation, what)}]`;
    }
    default:
      throw fail(`of type '${String(crs.type)}' is not a CRS tilecast reads`);
  }
}

/** WKT 2 for a PROJJSON CRS (parsed JSON); an error naming what it lacks or tilecast does not read. */
export function projjsonWkt(json: unknown): string {
  const crs = obj(json);
  if (!crs) throw fail("is not an object");
  return crsWkt(crs);
}
