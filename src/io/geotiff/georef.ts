/**
 * GeoTIFF georeferencing tags <-> {@link Georef}, following GDAL's reading exactly:
 * ModelTransformation when present (rotated grids), else tiepoint + pixel scale; PixelIsPoint
 * rasters are reported with the transform of pixel corners (shifted half a pixel), as GDAL does
 * by default, and shifted back on writing.
 */
import type { Crs } from "../../grid/crs.js";
import { type GeoTransform, IDENTITY_TRANSFORM, isNorthUp, shiftHalfPixel } from "../../grid/geotransform.js";
import { type Gcp, type Georef, unplacedGeoref } from "../../grid/grid.js";
import { crsFromGeoKeys, type GeoKeyValues, rasterTypeOf } from "./geokeys.js";
import { decodeTiffText } from "./tiff-text.js";
import { withVertical } from "./vertical.js";

/** Decode the GeoKeyDirectory tag with its DOUBLE and ASCII parameter tags. */
export function parseGeoKeys(
  dir: ArrayLike<number> | undefined,
  doubles: ArrayLike<number> | undefined,
  ascii: Uint8Array | string | undefined,
): GeoKeyValues {
  const keys: GeoKeyValues = new Map();
  if (!dir || dir.length < 4) return keys;
  // A key's count and offset are bytes of the tag (GDAL writes names and WKT as UTF-8), not
  // characters: one "°" or "é" before a key shifted every key after it. Each key's bytes are
  // decoded alone, so one key in Latin-1 reads as such and leaves its neighbours as UTF-8.
  const bytes = typeof ascii === "string" ? new TextEncoder().encode(ascii) : ascii;
  const n = dir[3] as number;
  for (let i = 0; i < n; i++) {
    const [id, loc, count, off] = [4, 5, 6, 7].map((k) => dir[4 * i + k] as number) as [number, number, number, number];
    if (loc === 0) keys.set(id, off);
    else if (loc === 34736 && doubles)
      keys.set(
        id,
        count > 1 ? Array.from({ length: count }, (_, i) => doubles[off + i] as number) : (doubles[off] as number),
      );
    else if (loc === 34737 && bytes !== undefined)
      keys.set(id, decodeTiffText(bytes.subarray(off, off + count)).replace(/\|$/, ""));
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

/**
 * Whether a negative ScaleY in ModelPixelScale means a south-up raster, as the GeoTIFF
 * specification says: GDAL's `GTIFF_HONOUR_NEGATIVE_SCALEY` (default NO: GDAL takes such a file
 * to be north-up), read from the environment as GDAL reads its configuration options.
 */
export function honourNegativeScaleY(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(yes|on|true|1)$/i.test(env.GTIFF_HONOUR_NEGATIVE_SCALEY ?? "");
}

/**
 * The geotransform GDAL reads from these tags, or null for none. GDAL's order, checked against
 * GDAL 3.6: a ModelPixelScale with two non-zero terms wins, with the first tiepoint (without a
 * whole tiepoint there is no geotransform, whatever else the file holds); its ScaleY's sign is
 * ignored unless {@link honourNegativeScaleY}. Otherwise a ModelTransformation of exactly 16
 * values; a matrix of any other length, or a zero scale on its own, gives none.
 */
function transformFromTags(t: GeoTags, honour: boolean): GeoTransform | null {
  const s = t.pixelScale;
  if (s && s.length >= 2 && s[0] !== 0 && s[1] !== 0) {
    if (!t.tiepoint || t.tiepoint.length < 6) return null;
    const [i, j, , X, Y] = Array.from(t.tiepoint) as [number, number, number, number, number];
    const sx = s[0] as number;
    const dy = honour ? -(s[1] as number) : -Math.abs(s[1] as number);
    return [X - i * sx, sx, 0, Y - j * dy, 0, dy];
  }
  const m = t.transformation;
  if (m && m.length === 16) return [m[3], m[0], m[1], m[7], m[4], m[5]] as unknown as GeoTransform;
  return null;
}

/**
 * The ground control points of tiepoints that give no transform (no pixel scale, no matrix):
 * Sentinel-1 scenes and scanned maps are georeferenced so. GDAL reads them as GCPs too.
 */
function gcpsFromTags(t: GeoTags): Gcp[] | null {
  const tp = t.tiepoint;
  if (!tp || tp.length < 6) return null;
  // PixelIsPoint tiepoints name pixel centres: GDAL reads them half a pixel on, as corners.
  const half = rasterTypeOf(t.keys) === "point" ? 0.5 : 0;
  const v = Array.from(tp);
  const gcps: Gcp[] = [];
  for (let i = 0; i + 6 <= v.length; i += 6) {
    const [pixel, line, , x, y, z] = v.slice(i, i + 6) as [number, number, number, number, number, number];
    gcps.push({ pixel: pixel + half, line: line + half, x, y, z });
  }
  return gcps;
}

/** The georef GDAL reports for these tags, or null when the file has none. */
export function georefFromTags(t: GeoTags, honour = honourNegativeScaleY()): Georef | null {
  const gt = transformFromTags(t, honour);
  const crs: Crs | null = withVertical(crsFromGeoKeys(t.keys), t.keys);
  const gcps = gt ? null : gcpsFromTags(t);
  if (gcps) return { transform: IDENTITY_TRANSFORM, crs, rasterType: rasterTypeOf(t.keys), gcps };
  if (!gt && !crs) return null;
  const rasterType = rasterTypeOf(t.keys);
  if (!gt) return unplacedGeoref(crs, rasterType);
  return { transform: rasterType === "point" ? shiftHalfPixel(gt, -1) : gt, crs, rasterType };
}

/** The tags that encode a georef: pixel scale + tiepoint for north-up, else a transformation. */
export function tagsFromGeoref(g: Georef): Omit<GeoTags, "keys"> {
  if (g.noTransform) return {}; // GDAL writes the keys alone, and reads them back with no transform
  if (g.gcps?.length) {
    const half = g.rasterType === "point" ? 0.5 : 0;
    return { tiepoint: g.gcps.flatMap((p) => [p.pixel - half, p.line - half, 0, p.x, p.y, p.z]) };
  }
  const gt = g.rasterType === "point" ? shiftHalfPixel(g.transform, 1) : g.transform;
  if (isNorthUp(gt) && gt[5] < 0) {
    return { pixelScale: [gt[1], -gt[5], 0], tiepoint: [0, 0, 0, gt[0], gt[3], 0] };
  }
  return {
    transformation: [gt[1], gt[2], 0, gt[0], gt[4], gt[5], 0, gt[3], 0, 0, 0, 0, 0, 0, 0, 1],
  };
}
