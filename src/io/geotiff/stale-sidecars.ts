/**
 * The files beside a GeoTIFF that GDAL reads as part of it and names after its whole name: the
 * `.aux.xml` (CRS, geotransform, statistics, category names), external overviews (`.ovr`) and an
 * external mask (`.msk`), each with its own `.aux.xml`. When tilecast replaces a GeoTIFF they
 * describe the old file: an `.ovr` that `gdaladdo -ro` made for last cycle's output kept showing
 * last cycle's image in QGIS at every zoom but the full resolution, and GDAL read the old file's
 * `.msk` as the new one's mask. GDAL removes them when it overwrites a file; so does tilecast,
 * before the new file takes the name.
 *
 * World files and RPC sidecars stay: they are named after the name without its extension, so
 * `scene.tfw` may be the georeferencing of the `scene.tiff` being read; and a new GeoTIFF's own
 * geotransform comes before a world file in GDAL's order.
 */
import { rm } from "node:fs/promises";

/** The names of the sidecars GDAL would read as part of the GeoTIFF at `path`. */
export const sidecarNames = (path: string): string[] =>
  [".aux.xml", ".ovr", ".ovr.aux.xml", ".msk", ".msk.aux.xml"].map((s) => `${path}${s}`);

/** Remove the sidecars of a GeoTIFF about to be replaced (those that exist). */
export async function dropSidecars(path: string): Promise<void> {
  await Promise.all(sidecarNames(path).map((f) => rm(f, { force: true })));
}
