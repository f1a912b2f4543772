/**
 * The times of a GeoTIFF that GDAL converted from netCDF (`gdal_translate era5.nc era5.tif`):
 * GDAL keeps the extra dimension's CF units in the dataset's metadata (`time#units`,
 * `time#calendar`, `NETCDF_DIM_EXTRA={time}`) and each band's value along it in the band's
 * (`NETCDF_DIM_time=6`). Decoded as the Zarr reader decodes a time coordinate, they become the
 * band labels a time series has, so nowcasts and sequence training read such a file as they read
 * a Zarr store. Band descriptions, where the file has them, stay the labels.
 *
 * Internal to the GeoTIFF reader; for example:
 * ```ts internal
 * netcdfBandTimes({ "NETCDF_DIM_EXTRA": "{time}", "time#units": "hours since 2020-01-01", bandMetadata: [{ NETCDF_DIM_time: "6" }] }, 1);
 * // ["2020-01-01T06:00:00.000Z"]
 * ```
 */
import { TilecastError } from "../../errors.js";
import { parseCfTime } from "../zarr/cf-time.js";

/**
 * The bands' times as ISO labels, or null where the metadata does not give one time per band
 * (no single extra dimension, units that are not CF time, a calendar tilecast does not read).
 */
export function netcdfBandTimes(attrs: Readonly<Record<string, unknown>>, bands: number): string[] | null {
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
    return parseCfTime(values, units, calendar).map((d) => d.toISOString());
  } catch (e) {
    if (e instanceof TilecastError) return null; // the pixels still read; the bands have no times
    throw e;
  }
}
