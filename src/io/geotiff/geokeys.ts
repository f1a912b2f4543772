/**
 * GeoKeys -> {@link Crs} (reading); geokeys-write.ts goes the other way. EPSG-coded CRSs map to one key; custom projections (a Lambert
 * conformal grid of a regional model, say) are encoded as GeoTIFF "user-defined" keys with
 * their projection method, parameters and ellipsoid, which GDAL decodes back to the same CRS.
 *
 * Supported methods for user-defined CRSs: every coordinate transformation GDAL writes as
 * GeoKeys (transverse Mercator, Hotine oblique Mercator A and B, Mercator, Lambert conformal
 * conic 1SP and 2SP, Lambert azimuthal equal area, Albers, azimuthal equidistant, equidistant
 * conic, polar, oblique and plain stereographic, equirectangular, Cassini, gnomonic, Miller,
 * orthographic, polyconic, Robinson, sinusoidal, Van der Grinten, New Zealand Map Grid,
 * south-orientated transverse Mercator, cylindrical equal area); geographic CRSs on any
 * ellipsoid; and, for what GeoKeys cannot hold (Krovak, geostationary, ...), GDAL's ESRI PE
 * string citation.
 */
import { TilecastError } from "../../errors.js";
import { type Crs, extensionProj4, parseCrs } from "../../grid/crs.js";
import { wktProblem } from "../../grid/wkt-syntax.js";
import { namesFromCitations } from "./citations.js";
import { geographicTerms, num } from "./geog-terms.js";
import { linearUnitOf } from "./linear-units.js";

/** GeoKey ids (GeoTIFF 1.1). */
export const Key = {
  GTModelType: 1024,
  GTRasterType: 1025,
  GTCitation: 1026,
  GeographicType: 2048,
  GeogCitation: 2049,
  GeogGeodeticDatum: 2050,
  GeogPrimeMeridian: 2051,
  GeogAngularUnits: 2054,
  GeogEllipsoid: 2056,
  GeogSemiMajorAxis: 2057,
  GeogSemiMinorAxis: 2058,
  GeogInvFlattening: 2059,
  GeogPrimeMeridianLong: 2061,
  /** GDAL's key for a datum shift to WGS 84: 3 or 7 Helmert parameters (PROJ's `+towgs84`). */
  GeogTOWGS84: 2062,
  ProjectedCSType: 3072,
  PCSCitation: 3073,
  Projection: 3074,
  ProjCoordTrans: 3075,
  ProjLinearUnits: 3076,
  ProjLinearUnitSize: 3077,
  ProjStdParallel1: 3078,
  ProjStdParallel2: 3079,
  ProjNatOriginLong: 3080,
  ProjNatOriginLat: 3081,
  ProjFalseEasting: 3082,
  ProjFalseNorthing: 3083,
  ProjFalseOriginLong: 3084,
  ProjFalseOriginLat: 3085,
  ProjFalseOriginEasting: 3086,
  ProjFalseOriginNorthing: 3087,
  ProjCenterLong: 3088,
  ProjCenterLat: 3089,
  ProjScaleAtNatOrigin: 3092,
  ProjScaleAtCenter: 3093,
  ProjAzimuthAngle: 3094,
  ProjStraightVertPoleLong: 3095,
  ProjRectifiedGridAngle: 3096,
} as const;

/** The keys that hold lengths (in the projected CRS's unit). */
const LENGTHS = new Set<number>([
  Key.ProjFalseEasting,
  Key.ProjFalseNorthing,
  Key.ProjFalseOriginEasting,
  Key.ProjFalseOriginNorthing,
]);

/** The GeoKey value meaning "user-defined" (parameters follow in other keys). */
export const USER_DEFINED = 32767;

/** GeoTIFF coordinate transformation codes by the PROJ method name. */
export const CT: Record<string, number> = {
  tmerc: 1,
  /** Hotine oblique Mercator, variant A (PROJ `+no_uoff`). */
  omercA: 3,
  merc: 7,
  lcc2: 8,
  lcc1: 9,
  laea: 10,
  aea: 11,
  aeqd: 12,
  eqdc: 13,
  sterea: 16,
  stere: 15,
  /** Stereographic, oblique (not at a pole): GDAL's CT_Stereographic. */
  stereOblique: 14,
  eqc: 17,
  cass: 18,
  gnom: 19,
  mill: 20,
  ortho: 21,
  poly: 22,
  robin: 23,
  sinu: 24,
  vandg: 25,
  nzmg: 26,
  /** Transverse Mercator, south-orientated (PROJ `+axis=wsu`): southern Africa's Lo grids. */
  tmercSouth: 27,
  cea: 28,
  /** Hotine oblique Mercator, variant B (azimuth at the centre), as libgeotiff and GDAL code it. */
  omercB: 9815,
};

/** GeoTIFF's methods that have no PROJ string here, by code, for the error that refuses them. */
const UNSUPPORTED: Readonly<Record<number, string>> = {
  2: "transverse Mercator, modified Alaska",
  4: "Laborde oblique Mercator",
  5: "Rosenmund oblique Mercator",
  6: "spherical oblique Mercator",
};

/**
 * Geographic CRSs whose datum PROJ (and so GDAL) and proj4js both know by name: a user-defined
 * projection on one of them is written `+datum=NAME`, so GDAL names the same datum (NAD27, not
 * "unknown based on Clarke 1866") and no grid file is asked for.
 */
export const NAMED_DATUMS: Readonly<Record<number, string>> = {
  4326: "WGS84",
  4269: "NAD83",
  4267: "NAD27",
  4277: "OSGB36",
  4314: "potsdam",
  4121: "GGRS87",
  4272: "nzgd49",
  4312: "hermannskogel",
  4223: "carthage",
  4299: "ire65",
};

/** Decoded key values: numbers (SHORT or DOUBLE) or strings (ASCII). */
/** Key values: a SHORT or one DOUBLE as a number, several DOUBLEs (GDAL's TOWGS84) as a list, ASCII as text. */
export type GeoKeyValues = Map<number, number | readonly number[] | string>;

/** Pixel interpretation declared by GTRasterTypeGeoKey. */
export function rasterTypeOf(keys: GeoKeyValues): "area" | "point" {
  return keys.get(Key.GTRasterType) === 2 ? "point" : "area";
}

/**
 * The CRS GDAL records in a citation when GeoKeys cannot express it (a geostationary view, an
 * ESRI-only projection): `ESRI PE String = PROJCS[...]`, often with the PROJ string in an
 * `EXTENSION["PROJ4", ...]`. GDAL reads its CRS from there, and so does tilecast.
 */
function peString(keys: GeoKeyValues): Crs | null {
  for (const k of [Key.PCSCitation, Key.GTCitation]) {
    const text = keys.get(k);
    if (typeof text !== "string") continue;
    const at = text.indexOf("ESRI PE String = ");
    if (at < 0) continue;
    const wkt =
      text
        .slice(at + "ESRI PE String = ".length)
        .split("|")[0]
        ?.trim() ?? "";
    if (!/^[A-Z_]+\[/.test(wkt)) continue;
    // Cut short (a citation truncated by its writer): not a CRS to write on.
    const problem = wktProblem(wkt);
    if (problem) throw new TilecastError("E_FORMAT", `its ESRI PE string citation is not WKT (${problem})`);
    return { epsg: null, wkt, proj4: extensionProj4(wkt) };
  }
  return null;
}

/**
 * The CRS that a set of GeoKeys describes, or null when there are none that name one; a
 * user-defined one keeps the names its citations give.
 */
export function crsFromGeoKeys(keys: GeoKeyValues): Crs | null {
  const crs = crsOfKeys(keys);
  if (!crs || crs.epsg !== null || crs.wkt !== null) return crs;
  const names = namesFromCitations(keys);
  return names ? { ...crs, names } : crs;
}

function crsOfKeys(keys: GeoKeyValues): Crs | null {
  const model = num(keys, Key.GTModelType);
  const pcs = num(keys, Key.ProjectedCSType);
  // By parseCrs: a code the bundled index lacks is an error, not a CRS with no definition.
  if (pcs !== undefined && pcs > 0 && pcs !== USER_DEFINED) return parseCrs(`EPSG:${pcs}`);
  // A CRS GeoKeys cannot hold (model type user-defined, GDAL's ESRI PE string in a citation).
  const pe = model === 2 ? null : peString(keys);
  if (pe) return pe;
  const gcs = num(keys, Key.GeographicType);
  if (model === 2) {
    if (gcs !== undefined && gcs > 0 && gcs !== USER_DEFINED) return parseCrs(`EPSG:${gcs}`);
    if (keys.size <= 2 && gcs === undefined) return null;
    return { epsg: null, wkt: null, proj4: `+proj=longlat ${geographicTerms(keys)} +no_defs` };
  }
  if (model !== 1) return null;
  // False eastings and northings are in the CRS's unit; PROJ takes them in metres.
  const unit = linearUnitOf(num(keys, Key.ProjLinearUnits), num(keys, Key.ProjLinearUnitSize));
  const p = (k: number) => (num(keys, k) ?? 0) * (LENGTHS.has(k) ? unit.metres : 1);
  const ct = num(keys, Key.ProjCoordTrans);
  // A UTM zone by its EPSG projection code (16001-16060 north, 16101-16160 south), as GDAL writes
  // UTM on a datum with no EPSG code of its own, instead of the method and its parameters.
  const projection = num(keys, Key.Projection) ?? 0;
  const zone = projection % 100;
  if (ct === undefined && zone >= 1 && zone <= 60 && (projection - zone === 16000 || projection - zone === 16100)) {
    const south = projection - zone === 16100 ? " +south" : "";
    return {
      epsg: null,
      wkt: null,
      proj4: `+proj=utm +zone=${zone}${south} ${geographicTerms(keys)} ${unit.term} +no_defs`,
    };
  }
  let terms: string;
  switch (ct) {
    case CT.tmerc:
    case CT.tmercSouth:
      terms = `+proj=tmerc +lat_0=${p(Key.ProjNatOriginLat)} +lon_0=${p(Key.ProjNatOriginLong)} +k=${num(keys, Key.ProjScaleAtNatOrigin) ?? 1} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}${ct === CT.tmercSouth ? " +axis=wsu" : ""}`;
      break;
    case CT.cea:
      terms = `+proj=cea +lat_ts=${p(Key.ProjStdParallel1)} +lon_0=${p(Key.ProjNatOriginLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case CT.mill:
      // GDAL reads Miller on an ellipsoid on the sphere of its area (+R_A), as PROJ defines it.
      terms = `+proj=mill +R_A +lat_0=${p(Key.ProjCenterLat)} +lon_0=${p(Key.ProjCenterLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case CT.nzmg:
      terms = `+proj=nzmg +lat_0=${p(Key.ProjNatOriginLat)} +lon_0=${p(Key.ProjNatOriginLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case CT.merc: {
      // Mercator 2SP, as GDAL writes it: the latitude of true scale in the first standard
      // parallel, no scale. Read as a scale of 1 before, the map was cos(lat_ts) off.
      const ts = num(keys, Key.ProjStdParallel1);
      const scale = ts === undefined ? `+k=${num(keys, Key.ProjScaleAtNatOrigin) ?? 1}` : `+lat_ts=${ts}`;
      terms = `+proj=merc +lon_0=${p(Key.ProjNatOriginLong)} ${scale} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    }
    case 8:
      terms = `+proj=lcc +lat_0=${p(Key.ProjFalseOriginLat)} +lon_0=${p(Key.ProjFalseOriginLong)} +lat_1=${p(Key.ProjStdParallel1)} +lat_2=${p(Key.ProjStdParallel2)} +x_0=${p(Key.ProjFalseOriginEasting)} +y_0=${p(Key.ProjFalseOriginNorthing)}`;
      break;
    case 9:
      terms = `+proj=lcc +lat_1=${p(Key.ProjNatOriginLat)} +lat_0=${p(Key.ProjNatOriginLat)} +lon_0=${p(Key.ProjNatOriginLong)} +k_0=${num(keys, Key.ProjScaleAtNatOrigin) ?? 1} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case 10:
      terms = `+proj=laea +lat_0=${p(Key.ProjCenterLat)} +lon_0=${p(Key.ProjCenterLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case 11:
      terms = `+proj=aea +lat_0=${p(Key.ProjNatOriginLat)} +lon_0=${p(Key.ProjNatOriginLong)} +lat_1=${p(Key.ProjStdParallel1)} +lat_2=${p(Key.ProjStdParallel2)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case 15: {
      const lat = p(Key.ProjNatOriginLat);
      const pole = lat >= 0 ? 90 : -90;
      const k = num(keys, Key.ProjScaleAtNatOrigin) ?? 1;
      // Variant A (origin at the pole with a scale factor) or B (latitude of true scale).
      const scale = Math.abs(lat) === 90 ? `+k=${k}` : `+lat_ts=${lat}`;
      terms = `+proj=stere +lat_0=${pole} ${scale} +lon_0=${p(Key.ProjStraightVertPoleLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    }
    case CT.aeqd:
      terms = `+proj=aeqd +lat_0=${p(Key.ProjCenterLat)} +lon_0=${p(Key.ProjCenterLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case CT.eqdc:
      terms = `+proj=eqdc +lat_0=${p(Key.ProjNatOriginLat)} +lon_0=${p(Key.ProjNatOriginLong)} +lat_1=${p(Key.ProjStdParallel1)} +lat_2=${p(Key.ProjStdParallel2)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case CT.stereOblique:
      terms = `+proj=stere +lat_0=${p(Key.ProjCenterLat)} +lon_0=${p(Key.ProjCenterLong)} +k=${num(keys, Key.ProjScaleAtNatOrigin) ?? 1} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case CT.sterea:
      terms = `+proj=sterea +lat_0=${p(Key.ProjNatOriginLat)} +lon_0=${p(Key.ProjNatOriginLong)} +k=${num(keys, Key.ProjScaleAtNatOrigin) ?? 1} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case CT.omercA:
    case CT.omercB:
      terms = `+proj=omerc +lat_0=${p(Key.ProjCenterLat)} +lonc=${p(Key.ProjCenterLong)} +alpha=${p(Key.ProjAzimuthAngle)} +gamma=${num(keys, Key.ProjRectifiedGridAngle) ?? p(Key.ProjAzimuthAngle)} +k=${num(keys, Key.ProjScaleAtCenter) ?? 1} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}${ct === CT.omercA ? " +no_uoff" : ""}`;
      break;
    case CT.cass:
    case CT.poly:
      terms = `+proj=${ct === CT.cass ? "cass" : "poly"} +lat_0=${p(Key.ProjNatOriginLat)} +lon_0=${p(Key.ProjNatOriginLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case CT.gnom:
    case CT.ortho:
      terms = `+proj=${ct === CT.gnom ? "gnom" : "ortho"} +lat_0=${p(Key.ProjCenterLat)} +lon_0=${p(Key.ProjCenterLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    case CT.robin:
    case CT.sinu:
    case CT.vandg: {
      const name = ct === CT.robin ? "robin" : ct === CT.sinu ? "sinu" : "vandg";
      terms = `+proj=${name} +lon_0=${p(Key.ProjCenterLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    }
    case 17:
      terms = `+proj=eqc +lat_ts=${p(Key.ProjStdParallel1)} +lat_0=${p(Key.ProjNatOriginLat)} +lon_0=${p(Key.ProjNatOriginLong)} +x_0=${p(Key.ProjFalseEasting)} +y_0=${p(Key.ProjFalseNorthing)}`;
      break;
    default: {
      const name = UNSUPPORTED[ct ?? -1];
      throw new TilecastError(
        "E_UNSUPPORTED",
        `user-defined projection (coordinate transformation ${ct ?? "missing"}${name ? `, ${name}` : ""}) is not supported`,
      );
    }
  }
  return { epsg: null, wkt: null, proj4: `${terms} ${geographicTerms(keys)} ${unit.term} +no_defs` };
}
