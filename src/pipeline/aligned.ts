/**
 * A label raster must lie on its image's grid: the same size, the same geotransform and the same
 * CRS. A mismatch is an error naming both files and the difference, never a silent misalignment
 * (a label shifted by one pixel trains a model to be wrong by one pixel).
 *
 * @example
 * ```ts
 * import { openSource } from "tilecast/io";
 * import { checkAligned } from "tilecast/pipeline";
 * const a = await openSource("fixtures/demo/scene.s2like.u16.4b.tif");
 * checkAligned(a.meta, a.meta); // same grid: no error
 * ```
 */
import { TilecastError } from "../errors.js";
import type { Crs } from "../grid/crs.js";
import { gridMismatch } from "../grid/grid-match.js";
import type { RasterMeta } from "../io/types.js";

const crsLabel = (c: Crs | null) =>
  c === null ? "none" : c.epsg !== null ? `EPSG:${c.epsg}` : (c.wkt ?? c.proj4 ?? "").slice(0, 48);

/** Throw when `label` is not on `image`'s grid. */
export function checkAligned(image: RasterMeta, label: RasterMeta): void {
  const fail = (what: string) => {
    throw new TilecastError("E_ARGUMENT", `labels are not on the image's grid (${image.path}): ${what}`, {
      path: label.path,
    });
  };
  const a = image.georef;
  const b = label.georef;
  switch (gridMismatch(image, label)) {
    case "size":
      return fail(`${label.width} x ${label.height} pixels, the image ${image.width} x ${image.height}`);
    case "georef":
      return fail(a ? "no georeferencing, the image has one" : "georeferenced, the image is not");
    case "transform":
      return fail(`geotransform [${b?.transform.join(", ")}], the image's [${a?.transform.join(", ")}]`);
    case "crs":
      return fail(`CRS ${crsLabel(b?.crs ?? null)}, the image's ${crsLabel(a?.crs ?? null)}`);
  }
}
