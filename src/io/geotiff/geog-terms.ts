/**
 * The PROJ terms of the geographic part of user-defined GeoKeys: a datum by its GCS code, an
 * ellipsoid by its EPSG code (any of EPSG's, `ellipsoids.ts`) or its axes, a datum shift, a prime
 * meridian.
 */
import { TilecastError } from "../../errors.js";
import { crsFromEpsg } from "../../grid/crs.js";
import { ELLIPSOIDS } from "../../grid/ellipsoids.js";
import { type GeoKeyValues, Key, NAMED_DATUMS, USER_DEFINED } from "./geokeys.js";
import { primeMeridianOf } from "./prime-meridians.js";

/** A key's number, or undefined when it is missing or not a number. */
export const num = (keys: GeoKeyValues, k: number): number | undefined => {
  const v = keys.get(k);
  return typeof v === "number" ? v : undefined;
};

/** PROJ `+ellps/+datum/+a +rf` terms of the geographic part of user-defined keys. */
export function geographicTerms(keys: GeoKeyValues): string {
  const pm = primeMeridianOf(num(keys, Key.GeogPrimeMeridian), num(keys, Key.GeogPrimeMeridianLong));
  const shift = keys.get(Key.GeogTOWGS84);
  // Printed to 15 digits, as GDAL prints them (a stored 0.842 reads back as 0.8419999999999999).
  const towgs84 =
    Array.isArray(shift) && (shift.length === 3 || shift.length === 7)
      ? ` +towgs84=${shift.map((v) => Number(v.toPrecision(15))).join(",")}`
      : "";
  const terms = `${datumTerms(keys)}${towgs84}`;
  return pm ? `${terms} +pm=${pm}` : terms;
}

function datumTerms(keys: GeoKeyValues): string {
  const gcs = num(keys, Key.GeographicType);
  const named = gcs === undefined ? undefined : NAMED_DATUMS[gcs];
  if (named) return `+datum=${named}`;
  if (gcs !== undefined && gcs !== USER_DEFINED) {
    const def = crsFromEpsg(gcs).proj4;
    if (def)
      return def
        .replace(/\+proj=longlat\s*/, "")
        .replace(/\+no_defs|\+type=crs/g, "")
        .trim();
  }
  if (num(keys, Key.GeogGeodeticDatum) === 6326) return "+datum=WGS84";
  const ellps = num(keys, Key.GeogEllipsoid);
  if (ellps === 7030) return "+ellps=WGS84";
  if (ellps === 7019) return "+ellps=GRS80";
  const a = num(keys, Key.GeogSemiMajorAxis);
  if (a === undefined && ellps !== undefined && ellps !== USER_DEFINED) {
    // An ellipsoid by its EPSG code alone (International 1924 was read as WGS 84).
    const e = ELLIPSOIDS[ellps];
    if (!e)
      throw new TilecastError(
        "E_UNSUPPORTED",
        `ellipsoid EPSG:${ellps} (GeogEllipsoidGeoKey) is not an EPSG ellipsoid`,
      );
    return e[2] === 0 ? `+a=${e[1]} +b=${e[1]}` : `+a=${e[1]} +rf=${e[2]}`;
  }
  if (a === undefined) return "+datum=WGS84";
  const rf = num(keys, Key.GeogInvFlattening);
  const b = num(keys, Key.GeogSemiMinorAxis);
  if (rf !== undefined && rf !== 0) return `+a=${a} +rf=${rf}`;
  return `+a=${a} +b=${b ?? a}`;
}
