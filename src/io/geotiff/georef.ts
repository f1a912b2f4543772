/**
 * GeoTIFF georeferencing tags <-> {@link Georef}, following GDAL's reading exactly:
 * ModelTransformation when present (rotated grids), else tiepoint + pixel scale; PixelIsPoint
 * rasters are reported with the transform of pixel corners (shifted half a pixel), as GDAL does
 * by default, and shifted back on writing.
 */
import type { Crs } from "../../grid/crs.js";
import { type GeoTransform, isNorthUp, shiftHalfPixel } from "../../grid/geotransform.js";
import type { Georef } from "../../grid/grid.js";
import { crsFromGeoKeys, type GeoKeyValues, rasterTypeOf } from "./geokeys.js";

/** Decode the GeoKeyDirectory tag with its DOUBLE and ASCII parameter tags. */
export function parseGeoKeys(
  dir: ArrayLike<number> | undefined,
  doubles: ArrayLike<number> | undefined,
  ascii: string | undefined,
): GeoKeyValues {
  const keys: GeoKeyValues = new Map();
  if (!dir || dir.length < 4) return keys;
  const n = dir[3] as number;
  for (let i = 0; i < n; i++) {
    const [id, loc, count, off] = [4, 5, 6, 7].map((k) => dir[4 * i + k] as number) as [number, number, number, number];
    if (loc === 0) keys.set(id, off);
    else if (loc === 34736 && doubles) keys.set(id, doubles[off] as number);
    else if (loc === 34737 && ascii !== undefined) {
      keys.set(id, ascii.slice(off, off + count).replace(/\|$/, ""));
    }
  }
  return keys;
}

/** Georeferencing tags as read from an IFD. */
export interface GeoTags {
  pixelScale?: ArrayLike<number>;
  tiepoint?: ArrayLike<number>;
  transformation?: ArrayLike<number>;
  keys: GeoKeyValues;
}

/** The georef GDAL reports for these tags, or null when the file has none. */
export function georefFromTags(t: GeoTags): Georef | null {
  let gt: GeoTransform | null = null;
  const m = t.transformation;
  if (m && m.length >= 16) {
    gt = [m[3], m[0], m[1], m[7], m[4], m[5]] as unknown as GeoTransform;
  } else if (t.tiepoint && t.tiepoint.length >= 6 && t.pixelScale && t.pixelScale.length >= 2) {
    const [i, j, , X, Y] = Array.from(t.tiepoint) as [number, number, number, number, number];
    const [sx, sy] = Array.from(t.pixelScale) as [number, number];
    gt = [X - i * sx, sx, 0, Y + j * sy, 0, -sy];
  }
  const crs: Crs | null = crsFromGeoKeys(t.keys);
  if (!gt && !crs) return null;
  const rasterType = rasterTypeOf(t.keys);
  const transform = gt ?? ([0, 1, 0, 0, 0, 1] as const);
  return {
    transform: rasterType === "point" && gt ? shiftHalfPixel(transform, -1) : transform,
    crs,
    rasterType,
  };
}

/** The tags that encode a georef: pixel scale + tiepoint for north-up, else a transformation. */
export function tagsFromGeoref(g: Georef): Omit<GeoTags, "keys"> {
  const gt = g.rasterType === "point" ? shiftHalfPixel(g.transform, 1) : g.transform;
  if (isNorthUp(gt) && gt[5] < 0) {
    return { pixelScale: [gt[1], -gt[5], 0], tiepoint: [0, 0, 0, gt[0], gt[3], 0] };
  }
  return {
    transformation: [gt[1], gt[2], 0, gt[0], gt[4], gt[5], 0, gt[3], 0, 0, 0, 0, 0, 0, 0, 1],
  };
}
