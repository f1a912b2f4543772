/**
 * Files tilecast does not read, told apart by their first bytes, so that the error names what the
 * file is and how to make it readable instead of only "unrecognised": netCDF (classic and
 * netCDF-4), HDF5 and HDF4 (MODIS's HDF-EOS), GRIB (editions 1 and 2), JPEG 2000 (Sentinel-2's
 * SAFE bands), PNG, JPEG, and zip and gzip archives.
 *
 * @example
 * ```ts
 * import { foreignFormat } from "tilecast/io";
 * foreignFormat(new TextEncoder().encode("GRIB\0\0\0\x02"), "t2m.grib2");
 * // { what: "GRIB edition 2", how: "convert it with gdal_translate (to GeoTIFF) or cfgrib and xarray (to Zarr)" }
 * ```
 */

/** What a file is, and how to make it readable. */
export interface ForeignFormat {
  what: string;
  how: string;
}

/** How to make a gridded scientific format readable: GDAL or xarray rewrites it. */
const BOTH = "convert it with gdal_translate (to GeoTIFF) or xarray's to_zarr (to Zarr)";
const GDAL = "convert it with gdal_translate";

/** Does `h` start with the bytes `sig` (a Latin-1 string, so its escapes name bytes)? */
const starts = (h: Uint8Array, sig: string): boolean =>
  h.length >= sig.length && [...sig].every((c, i) => h[i] === c.charCodeAt(0));

/** What the file whose first bytes are `h` is (see the module note); null where none of those. */
export function foreignFormat(h: Uint8Array, path: string): ForeignFormat | null {
  const cdf = { 1: "classic", 2: "64-bit offset", 5: "CDF-5" }[h[3] as number];
  if (starts(h, "CDF") && cdf) return { what: `netCDF (${cdf})`, how: BOTH };
  if (starts(h, "\x89HDF\r\n\x1a\n"))
    return { what: /\.(nc|nc4|netcdf)$/i.test(path) ? "netCDF-4 (HDF5)" : "HDF5", how: BOTH };
  if (starts(h, "\x0e\x03\x13\x01")) return { what: "HDF4 (HDF-EOS, as MODIS products)", how: GDAL };
  if (starts(h, "GRIB"))
    return {
      what: `GRIB edition ${h[7] ?? "?"}`,
      how: "convert it with gdal_translate (to GeoTIFF) or cfgrib and xarray (to Zarr)",
    };
  if (starts(h, "\0\0\0\x0cjP  \r\n\x87\n") || starts(h, "\xff\x4f\xff\x51"))
    return { what: "JPEG 2000 (as Sentinel-2's SAFE bands)", how: GDAL };
  if (starts(h, "\x89PNG\r\n\x1a\n")) return { what: "PNG", how: `${GDAL} (which reads a world file beside it)` };
  if (starts(h, "\xff\xd8\xff")) return { what: "JPEG", how: `${GDAL} (which reads a world file beside it)` };
  if (starts(h, "PK\x03\x04"))
    return { what: "a zip archive", how: "unzip it and give the GeoTIFF or Zarr store inside" };
  if (starts(h, "\x1f\x8b")) return { what: "gzip-compressed", how: "decompress it first (gunzip)" };
  return null;
}
