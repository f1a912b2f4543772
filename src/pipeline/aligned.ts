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

/** What the two rasters are, in messages: `subject` (with its verb) is `label`, `of` is `image`. */
export interface AlignedNames {
  subject: string;
  of: string;
}

const LABELS: AlignedNames = { subject: "labels are", of: "image" };

/**
 * Throw when `label` is not on `image`'s grid. `names` says what the two are (default: labels on
 * an image); evaluate's words are a prediction on its truth, a forecast on its observations.
 */
export function checkAligned(image: RasterMeta, label: RasterMeta, names: AlignedNames = LABELS): void {
  const the = `the ${names.of}`;
  const fail = (what: string) => {
    throw new TilecastError("E_ARGUMENT", `${names.subject} not on ${the}'s grid (${image.path}): ${what}`, {
      path: label.path,
    });
  };
  const a = image.georef;
  const b = label.georef;
  switch (gridMismatch(image, label)) {
    case "size":
      return fail(`${label.width} x ${label.height} pixels, ${the} ${image.width} x ${image.height}`);
    case "georef":
      return fail(a ? `no georeferencing, ${the} has one` : `georeferenced, ${the} is not`);
    case "transform":
      return fail(`geotransform [${b?.transform.join(", ")}], ${the}'s [${a?.transform.join(", ")}]`);
    case "crs":
      return fail(`CRS ${crsLabel(b?.crs ?? null)}, ${the}'s ${crsLabel(a?.crs ?? null)}`);
  }
}
