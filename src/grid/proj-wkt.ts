/**
 * WKT for a CRS known by its PROJ string alone (a CF geostationary view or rotated pole read from
 * a Zarr store's grid-mapping parameters), for formats that keep a CRS as WKT: a GeoTIFF's ESRI PE
 * citation where GeoKeys cannot hold the projection, a Zarr store's `crs_wkt`. It is WKT 1 with
 * the ellipsoid spelled out (a GEOGCS for longitude and latitude, else a PROJCS whose projection
 * is `custom_proj4`), and the PROJ string itself in an
 * `EXTENSION["PROJ4", ...]`, the element GDAL adds to WKT 1 for what WKT 1 cannot name: PROJ
 * (GDAL, pyproj, rioxarray) and tilecast read the CRS back from it as that string.
 *
 * @example
 * ```ts
 * import { proj4Wkt } from "tilecast";
 * proj4Wkt("+proj=geos +h=35786023 +lon_0=-75 +sweep=x +ellps=GRS80 +units=m +no_defs");
 * // 'PROJCS["unknown",GEOGCS["unknown",DATUM["unknown",SPHEROID["unknown",6378137,298.257222101]],
 * //  PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["custom_proj4"],
 * //  UNIT["metre",1],EXTENSION["PROJ4","+proj=geos ..."]]' (on one line)
 * ```
 */
import { TilecastError } from "../errors.js";
import { isGeographic, proj4 } from "./crs.js";

/** The parsed terms of a PROJ string that the WKT spells out. */
interface ProjTerms {
  a?: number;
  b?: number;
  rf?: number;
  to_meter?: number;
}

/**
 * WKT 1 for a PROJ string (see the module note).
 *
 * @throws TilecastError E_UNSUPPORTED when proj4 cannot read the string.
 */
export function proj4Wkt(def: string): string {
  let p: ProjTerms;
  try {
    p = new (proj4().Proj)(def) as unknown as ProjTerms;
  } catch (e) {
    throw new TilecastError("E_UNSUPPORTED", `cannot interpret CRS '${def.slice(0, 60)}'`, { cause: e });
  }
  const a = p.a ?? 6378137;
  const b = p.b ?? a;
  const rf = p.rf ?? (a === b ? 0 : a / (a - b));
  const metres = p.to_meter ?? 1;
  const unit =
    metres === 1 ? 'UNIT["metre",1]' : metres === 1000 ? 'UNIT["kilometre",1000]' : `UNIT["unknown",${metres}]`;
  const body = `"unknown",DATUM["unknown",SPHEROID["unknown",${a},${rf}]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]`;
  const extension = `EXTENSION["PROJ4","${def.replaceAll('"', "")}"]`;
  if (isGeographic({ epsg: null, wkt: null, proj4: def })) return `GEOGCS[${body},${extension}]`;
  return `PROJCS["unknown",GEOGCS[${body}],PROJECTION["custom_proj4"],${unit},${extension}]`;
}
