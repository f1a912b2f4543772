/**
 * A palette image's colour table (TIFF `ColorMap`, PhotometricInterpretation 3), read as GDAL
 * reads it and written as GDAL writes it. Land-cover maps (ESA WorldCover, NLCD) and class
 * rasters carry one: without it QGIS draws their classes as a grey ramp.
 *
 * The tag holds 16-bit red, then green, then blue values for every one of the 2^bits values of
 * the band. GDAL scales them to 8 bits by dividing by 257 (what it writes), by 256 where every
 * value is a multiple of 256 (other writers; GDAL 3.10 on, earlier ones divide these by 257 too),
 * or by 1 where every value is below 256 (writers that put 8-bit values in the tag). TIFF has no
 * alpha: every entry is opaque but the nodata value's.
 *
 * Internal (used by `describe.ts` and `tile-codec.ts`).
 */
import type { ColorEntry } from "../../grid/grid.js";

/** GDAL's multiplier for `map`'s values (see the module documentation). */
function multiplier(map: ArrayLike<number>): number {
  let max = 0;
  let of256 = true;
  for (let i = 0; i < map.length; i++) {
    const v = map[i] as number;
    if (v > max) max = v;
    if (v % 256 !== 0) of256 = false;
  }
  if (max > 0 && max < 256) return 1;
  return max > 0 && of256 ? 256 : 257;
}

/**
 * The colour table of a `ColorMap` tag for `bits`-bit samples, or null where the tag does not
 * hold three values for each of the 2^bits sample values (libtiff ignores such a tag).
 */
export function colorTableFromMap(
  map: ArrayLike<number> | undefined,
  bits: number,
  nodata: number | null,
): ColorEntry[] | null {
  if (!map || bits > 16) return null;
  const n = 2 ** bits;
  if (map.length !== 3 * n) return null;
  const m = multiplier(map);
  const clear = nodata !== null && Number.isInteger(nodata) ? nodata : -1;
  return Array.from({ length: n }, (_, i) => [
    Math.floor((map[i] as number) / m),
    Math.floor((map[n + i] as number) / m),
    Math.floor((map[2 * n + i] as number) / m),
    i === clear ? 0 : 255,
  ]);
}

/** The `ColorMap` values GDAL writes for `table` on `bits`-bit samples: 257 a step, 0 past its end. */
export function colorMapOf(table: readonly ColorEntry[], bits: number): number[] {
  const n = 2 ** bits;
  const map = new Array<number>(3 * n).fill(0);
  for (let i = 0; i < Math.min(n, table.length); i++) {
    const e = table[i] as ColorEntry;
    for (let c = 0; c < 3; c++) map[c * n + i] = Math.max(0, Math.min(255, Math.round(e[c] as number))) * 257;
  }
  return map;
}
