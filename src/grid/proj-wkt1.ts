/**
 * WKT 1 for a projected CRS known by a PROJ string, with its projection named and its parameters
 * spelled out as GDAL spells them (`PROJECTION["Sinusoidal"]`, `PARAMETER["longitude_of_center",
 * 0]`), and its parts named as the source named them ({@link CrsNames}). GDAL takes a CRS written
 * so as the one it came from (`OSRIsSame`), where `proj-wkt.ts`'s `custom_proj4` form, which any
 * PROJ string can take, is a different CRS to it: a Zarr output of a MODIS sinusoidal scene was
 * not on its input's CRS to rioxarray's `==` or to `gdalbuildvrt`.
 *
 * Longitude and latitude give the GEOGCS alone. Methods without a WKT 1 name here give null (the
 * caller keeps the `custom_proj4` form).
 */
import { crsFromEpsg } from "./crs.js";
import type { CrsNames } from "./crs-names.js";
import { primeMeridian } from "./meridians.js";

/** A PROJ string's `+key=value` terms (`+no_defs` and the like as empty values). */
function terms(def: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of def.trim().split(/\s+/)) {
    const m = /^\+([a-z_0-9]+)(?:=(.*))?$/i.exec(t);
    if (m?.[1]) out.set(m[1], m[2] ?? "");
  }
  return out;
}

/** The GCS codes of PROJ's named datums (on Greenwich). */
const DATUM_GCS: Readonly<Record<string, number>> = { WGS84: 4326, NAD83: 4269, NAD27: 4267 };

/** GDAL's WKT 1 parameters of a method, as [WKT name, PROJ term, default]. */
type Param = readonly [string, string, number];
const fe: Param = ["false_easting", "x_0", 0];
const fn: Param = ["false_northing", "y_0", 0];
const METHODS: Readonly<Record<string, readonly [string, readonly Param[]]>> = {
  tmerc: [
    "Transverse_Mercator",
    [["latitude_of_origin", "lat_0", 0], ["central_meridian", "lon_0", 0], ["scale_factor", "k_0", 1], fe, fn],
  ],
  sinu: ["Sinusoidal", [["longitude_of_center", "lon_0", 0], fe, fn]],
  robin: ["Robinson", [["longitude_of_center", "lon_0", 0], fe, fn]],
  moll: ["Mollweide", [["central_meridian", "lon_0", 0], fe, fn]],
  laea: [
    "Lambert_Azimuthal_Equal_Area",
    [["latitude_of_center", "lat_0", 0], ["longitude_of_center", "lon_0", 0], fe, fn],
  ],
  aeqd: ["Azimuthal_Equidistant", [["latitude_of_center", "lat_0", 0], ["longitude_of_center", "lon_0", 0], fe, fn]],
  aea: [
    "Albers_Conic_Equal_Area",
    [
      ["standard_parallel_1", "lat_1", 0],
      ["standard_parallel_2", "lat_2", 0],
      ["latitude_of_center", "lat_0", 0],
      ["longitude_of_center", "lon_0", 0],
      fe,
      fn,
    ],
  ],
  eqc: [
    "Equirectangular",
    [
      ["latitude_of_origin", "lat_0", 0],
      ["central_meridian", "lon_0", 0],
      ["standard_parallel_1", "lat_ts", 0],
      fe,
      fn,
    ],
  ],
  sterea: [
    "Oblique_Stereographic",
    [["latitude_of_origin", "lat_0", 0], ["central_meridian", "lon_0", 0], ["scale_factor", "k_0", 1], fe, fn],
  ],
  ortho: ["Orthographic", [["latitude_of_origin", "lat_0", 0], ["central_meridian", "lon_0", 0], fe, fn]],
  gnom: ["Gnomonic", [["latitude_of_origin", "lat_0", 0], ["central_meridian", "lon_0", 0], fe, fn]],
  poly: ["Polyconic", [["latitude_of_origin", "lat_0", 0], ["central_meridian", "lon_0", 0], fe, fn]],
  cass: ["Cassini_Soldner", [["latitude_of_origin", "lat_0", 0], ["central_meridian", "lon_0", 0], fe, fn]],
  nzmg: ["New_Zealand_Map_Grid", [["latitude_of_origin", "lat_0", 0], ["central_meridian", "lon_0", 0], fe, fn]],
  eqdc: [
    "Equidistant_Conic",
    [
      ["latitude_of_center", "lat_0", 0],
      ["longitude_of_center", "lon_0", 0],
      ["standard_parallel_1", "lat_1", 0],
      ["standard_parallel_2", "lat_2", 0],
      fe,
      fn,
    ],
  ],
  vandg: ["VanDerGrinten", [["central_meridian", "lon_0", 0], fe, fn]],
  cea: ["Cylindrical_Equal_Area", [["standard_parallel_1", "lat_ts", 0], ["central_meridian", "lon_0", 0], fe, fn]],
};

/** Hotine oblique Mercator's parameters, by the PROJ terms that give them. */
const hotine = (lat: string, lon: string, azimuth: string, gamma: string): Param[] => [
  ["latitude_of_center", lat, 0],
  ["longitude_of_center", lon, 0],
  ["azimuth", azimuth, 90],
  ["rectified_grid_angle", gamma, 90],
  ["scale_factor", "k_0", 1],
  fe,
  fn,
];

const num = (t: Map<string, string>, key: string, d: number): number => {
  const v = t.get(key) ?? (key === "k_0" ? t.get("k") : undefined);
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : d;
};

/**
 * The method's name and parameters, or null where WKT 1 (as GDAL writes it) has none here.
 * `sphere`: the ellipsoid is a sphere.
 */
function projection(t: Map<string, string>, sphere: boolean): [string, [string, number][]] | null {
  const proj = t.get("proj") ?? "";
  const pick = (list: readonly Param[]) => list.map(([n, k, d]): [string, number] => [n, num(t, k, d)]);
  const axis = t.get("axis") ?? "enu";
  if (axis !== "enu" && !(proj === "tmerc" && axis === "wsu")) return null;
  if (proj === "tmerc" && axis === "wsu") {
    const [, params] = METHODS.tmerc as readonly [string, readonly Param[]];
    return ["Transverse_Mercator_South_Orientated", pick(params)];
  }
  if (proj === "utm") {
    const zone = num(t, "zone", Number.NaN);
    if (!Number.isInteger(zone) || zone < 1 || zone > 60) return null;
    return [
      "Transverse_Mercator",
      [
        ["latitude_of_origin", 0],
        ["central_meridian", zone * 6 - 183],
        ["scale_factor", 0.9996],
        ["false_easting", 500000],
        ["false_northing", t.has("south") ? 10000000 : 0],
      ],
    ];
  }
  if (proj === "omerc") {
    // The two-point form (lat_1, lon_1, lat_2, lon_2) has no WKT 1 here.
    if (!t.has("alpha")) return null;
    const gamma = t.has("gamma") ? "gamma" : "alpha";
    const name =
      t.has("no_uoff") || t.has("no_off") ? "Hotine_Oblique_Mercator" : "Hotine_Oblique_Mercator_Azimuth_Center";
    return [name, pick(hotine("lat_0", "lonc", "alpha", gamma))];
  }
  // Swiss oblique Mercator: GDAL's WKT 1 writes it as Hotine's, azimuth 90 at the centre.
  if (proj === "somerc") {
    const [lat, lon, , , ...rest] = pick(hotine("lat_0", "lon_0", "", ""));
    return [
      "Hotine_Oblique_Mercator_Azimuth_Center",
      [lat, lon, ["azimuth", 90], ["rectified_grid_angle", 90], ...rest],
    ];
  }
  if (proj === "mill") {
    // WKT 1's Miller has no latitude of origin, and is on the sphere of the ellipsoid's area.
    if (num(t, "lat_0", 0) !== 0 || !(t.has("R_A") || sphere)) return null;
    return ["Miller_Cylindrical", pick([["longitude_of_center", "lon_0", 0], fe, fn])];
  }
  if (proj === "lcc") {
    const lat1 = num(t, "lat_1", num(t, "lat_0", 0));
    if (!t.has("lat_2")) {
      // One parallel: 1SP at the origin. One elsewhere is read two ways (PROJ takes a second
      // parallel of 0, proj4 the first again), so it keeps the PROJ string: null.
      if (num(t, "lat_0", lat1) !== lat1) return null;
      return [
        "Lambert_Conformal_Conic_1SP",
        pick([
          ["latitude_of_origin", "lat_1", 0],
          ["central_meridian", "lon_0", 0],
          ["scale_factor", "k_0", 1],
          fe,
          fn,
        ]),
      ];
    }
    return [
      "Lambert_Conformal_Conic_2SP",
      pick([
        ["standard_parallel_1", "lat_1", 0],
        ["standard_parallel_2", "lat_2", 0],
        ["latitude_of_origin", "lat_0", 0],
        ["central_meridian", "lon_0", 0],
        fe,
        fn,
      ]),
    ];
  }
  if (proj === "merc") {
    if (t.has("lat_ts"))
      return ["Mercator_2SP", pick([["standard_parallel_1", "lat_ts", 0], ["central_meridian", "lon_0", 0], fe, fn])];
    return ["Mercator_1SP", pick([["central_meridian", "lon_0", 0], ["scale_factor", "k_0", 1], fe, fn])];
  }
  if (proj === "stere") {
    const lat0 = num(t, "lat_0", 0);
    if (Math.abs(lat0) !== 90)
      return [
        "Stereographic",
        pick([
          ["latitude_of_origin", "lat_0", 0],
          ["central_meridian", "lon_0", 0],
          ["scale_factor", "k_0", 1],
          fe,
          fn,
        ]),
      ];
    // Polar: GDAL's WKT 1 puts the latitude of true scale (or the pole, with a scale factor) in latitude_of_origin.
    const ts = t.has("lat_ts");
    return [
      "Polar_Stereographic",
      [
        ["latitude_of_origin", ts ? num(t, "lat_ts", lat0) : lat0],
        ["central_meridian", num(t, "lon_0", 0)],
        ["scale_factor", ts ? 1 : num(t, "k_0", 1)],
        ["false_easting", num(t, "x_0", 0)],
        ["false_northing", num(t, "y_0", 0)],
      ],
    ];
  }
  const m = METHODS[proj];
  return m ? [m[0], pick(m[1])] : null;
}

/** The inverse flattening of proj4's parsed parameters (`rf`, else from the axes; 0: a sphere). */
export function inverseFlattening(p: Readonly<Record<string, unknown>>): number {
  const a = Number(p.a);
  const b = Number(p.b);
  if (p.rf !== undefined && Number.isFinite(Number(p.rf))) return Number(p.rf);
  return Number.isFinite(b) && b !== a ? a / (a - b) : 0;
}

/** GDAL's unit element for a length unit of `metres`. */
function unitWkt(metres: number): string {
  if (metres === 1) return 'UNIT["metre",1,AUTHORITY["EPSG","9001"]]';
  if (metres === 1000) return 'UNIT["kilometre",1000,AUTHORITY["EPSG","9036"]]';
  if (metres === 0.3048) return 'UNIT["foot",0.3048,AUTHORITY["EPSG","9002"]]';
  if (Math.abs(metres - 1200 / 3937) < 1e-15)
    return 'UNIT["US survey foot",0.304800609601219,AUTHORITY["EPSG","9003"]]';
  return `UNIT["unknown",${metres}]`;
}

const UNITS: Readonly<Record<string, number>> = { m: 1, km: 1000, ft: 0.3048, "us-ft": 1200 / 3937 };

/**
 * WKT 1 of a PROJ string (see the module note), or null for a method it has no name for here or
 * a prime meridian PROJ names and this does not. `ellipsoid`: its semi-major axis
 * and inverse flattening (0 for a sphere), as proj4 derived them.
 */
export function projectedWkt(def: string, ellipsoid: { a: number; rf: number }, names: CrsNames = {}): string | null {
  const t = terms(def);
  const pm = primeMeridian(t.get("pm"), names.primem);
  if (!pm) return null;
  const geographic = t.get("proj") === "longlat" || t.get("proj") === "latlong";
  const p = geographic ? null : projection(t, ellipsoid.rf === 0);
  if (!p && !geographic) return null;
  const code = DATUM_GCS[t.get("datum") ?? ""];
  const towgs84 = t.get("towgs84");
  const shift = towgs84 ? `,TOWGS84[${[...towgs84.split(",").map(Number), 0, 0, 0, 0].slice(0, 7).join(",")}]` : "";
  // A name as WKT quotes it (a quote doubled).
  const q = (name: string | undefined) => (name ?? "unknown").replaceAll('"', '""');
  const geog =
    code !== undefined && !shift && names.gcs === undefined && pm[1] === 0
      ? crsFromEpsg(code).wkt
      : `GEOGCS["${q(names.gcs)}",DATUM["${q(names.datum)}",SPHEROID["${q(names.ellipsoid)}",${ellipsoid.a},${ellipsoid.rf}]${shift}],PRIMEM["${q(pm[0])}",${pm[1]}],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]]`;
  if (!geog || !p) return geog;
  const metres = t.has("to_meter") ? num(t, "to_meter", 1) : UNITS[t.get("units") ?? "m"];
  if (metres === undefined) return null; // a unit not listed here (miles, yards) keeps its PROJ string
  const params = p[1].map(([n, v]) => `PARAMETER["${n}",${n.startsWith("false_") ? v / metres : v}]`).join(",");
  // Axes as GDAL's WKT 1 writes them: a south-orientated grid's point west and south (PROJ's
  // +axis=wsu); a polar stereographic grid's both along meridians, south from the north pole and
  // north from the south pole (EAST/NORTH there was another CRS to GDAL and pyproj).
  const polar = p[0] === "Polar_Stereographic" ? (num(t, "lat_0", 90) > 0 ? "SOUTH" : "NORTH") : null;
  const axes = p[0].endsWith("_South_Orientated") ? ["WEST", "SOUTH"] : polar ? [polar, polar] : ["EAST", "NORTH"];
  return `PROJCS["${q(names.crs)}",${geog},PROJECTION["${p[0]}"],${params},${unitWkt(metres)},AXIS["Easting",${axes[0]}],AXIS["Northing",${axes[1]}]]`;
}
