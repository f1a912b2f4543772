/**
 * The times of a GeoTIFF that GDAL converted from netCDF or GRIB, as band labels, so nowcasts and
 * sequence training read such a file as they read a Zarr time series:
 *
 * - from netCDF (`gdal_translate era5.nc era5.tif`), GDAL keeps the extra dimension's CF units in
 *   the dataset's metadata (`time#units`, `time#calendar`, `NETCDF_DIM_EXTRA={time}`) and each
 *   band's value along it in the band's (`NETCDF_DIM_time=6`), decoded here as the Zarr reader
 *   decodes a time coordinate; band descriptions, where the file has them, stay the labels;
 * - from GRIB (GFS, ECMWF open data), each band's `GRIB_VALID_TIME` (seconds since 1970; older
 *   GDAL wrote " 1201104000 sec UTC"), when the bands' times differ (a time series, not
 *   several fields at one time); they replace GDAL's GRIB level descriptions
 *   (`0[-] SFC="Ground or water surface"`), not descriptions of the user's own.
 *
 * Internal to the GeoTIFF reader; for example:
 * ```ts internal
 * bandTimes({ "NETCDF_DIM_EXTRA": "{time}", "time#units": "hours since 2020-01-01", bandMetadata: [{ NETCDF_DIM_time: "6" }] }, 1);
 * // ["2020-01-01T06:00:00.000Z"]
 * ```
 */
import { TilecastError } from "../../errors.js";
import { decodeCfTime } from "../zarr/cf-time.js";

/**
 * The bands' times as time labels (`time-labels.ts`), or null where the metadata does not give one time per band
 * (no single extra dimension, units that are not CF time, a calendar tilecast does not read).
 */
function netcdfTimes(attrs: Readonly<Record<string, unknown>>, bands: number): string[] | null {
  const extra = attrs.NETCDF_DIM_EXTRA;
  if (typeof extra !== "string") return null;
  const dims = extra.replace(/^\{|\}$/g, "").split(",");
  if (dims.length !== 1) return null; // time x level: a band's label would be half its place
  const dim = (dims[0] as string).trim();
  const units = attrs[`${dim}#units`];
  const calendar = attrs[`${dim}#calendar`] ?? "standard";
  const per = attrs.bandMetadata;
  if (typeof units !== "string" || typeof calendar !== "string" || !Array.isArray(per) || per.length !== bands)
    return null;
  const values = per.map((m) => {
    const v = (m as Record<string, unknown> | null)?.[`NETCDF_DIM_${dim}`];
    return typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  });
  if (!values.every(Number.isFinite) || !/ since /.test(units)) return null;
  try {
    return decodeCfTime(values, units, calendar);
  } catch (e) {
    if (e instanceof TilecastError) return null; // the pixels still read; the bands have no times
    throw e;
  }
}

/** A GRIB_VALID_TIME item: "1795284000", or " 1201104000 sec UTC" as older GDAL wrote it. */
const GRIB_TIME = /^\s*(-?\d{1,15})(?: sec UTC)?\s*$/;

/** GDAL's description of a GRIB band: its level (`0[-] SFC="Ground or water surface"`). */
const GRIB_LEVEL = /^-?[\d.]+(?:e[+-]?\d+)?\[[^\]]*\] [\w-]+="[^"]*"$/i;

/** Each band's GRIB valid time as an ISO label, when every band has one and no two are equal. */
function gribTimes(attrs: Readonly<Record<string, unknown>>, bands: number): string[] | null {
  const per = attrs.bandMetadata;
  if (!Array.isArray(per) || per.length !== bands) return null;
  const seconds = per.map((m) => {
    const v = (m as Record<string, unknown> | null)?.GRIB_VALID_TIME;
    const t = typeof v === "string" ? GRIB_TIME.exec(v) : null;
    return t ? Number(t[1]) : Number.NaN;
  });
  if (!seconds.every(Number.isFinite) || new Set(seconds).size !== bands) return null;
  return seconds.map((s) => new Date(s * 1000).toISOString());
}

/**
 * The bands' times as ISO labels from GDAL's netCDF or GRIB metadata, or null where it gives no
 * time per band or the bands' descriptions name them otherwise; see the module documentation.
 */
export function bandTimes(attrs: Readonly<Record<string, unknown>>, bands: number): string[] | null {
  const names = (attrs.bandNames as readonly (string | null)[] | undefined) ?? [];
  const described = names.some((n) => n);
  if (!described) {
    const nc = netcdfTimes(attrs, bands);
    if (nc) return nc;
  }
  if (described && !names.every((n) => n && GRIB_LEVEL.test(n))) return null;
  return gribTimes(attrs, bands);
}
