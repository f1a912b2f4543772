/**
 * The vertical part of a compound CRS in GeoKeys (`VerticalCSTypeGeoKey`, an EPSG code): GDAL
 * writes EPSG:7405, "OSGB36 / British National Grid + ODN height", as the projected CRS's key and
 * this one. A DEM's heights are in that vertical CRS; a reader that dropped it would write the
 * heights out as if above nothing in particular. GDAL reads the two keys as one compound CRS in
 * a GeoTIFF 1.1 key directory only, so a directory with this key says 1.1 (`geoKeyTags`).
 *
 * Internal (used by `georef.ts` and `tile-codec.ts`).
 */
import type { Crs } from "../../grid/crs.js";
import type { GeoKeyValues } from "./geokeys.js";
import type { GeoKeyEntry } from "./geokeys-write.js";

/** `VerticalCSTypeGeoKey`. */
export const VERTICAL_CS = 4096;

/** `crs` with the keys' vertical CRS, when they name one by EPSG code. */
export function withVertical(crs: Crs | null, keys: GeoKeyValues): Crs | null {
  const code = keys.get(VERTICAL_CS);
  if (!crs || typeof code !== "number" || !(code > 0 && code < 32767)) return crs;
  return { ...crs, vertical: code };
}

/** The key for `crs`'s vertical CRS, if it has one. */
export function verticalKeys(crs: Crs): GeoKeyEntry[] {
  return crs.vertical ? [{ key: VERTICAL_CS, value: crs.vertical }] : [];
}
