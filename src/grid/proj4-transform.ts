/**
 * Points transformed by proj4 as PROJ transforms them, where proj4 reads a PROJ string otherwise:
 * - `+R_A` (the sphere of the ellipsoid's area, GDAL's Miller): proj4 takes the sphere but keeps
 *   the semi-major axis as its radius, 0.11 % too large on WGS 84 (20 km across a world map). The
 *   radius is given explicitly, as PROJ derives it.
 * - `+axis=wsu` (a south-orientated grid, southern Africa's Lo systems): proj4 applies a PROJ
 *   string's axes only when asked (`enforceAxis`), and gave east and north in their place.
 */
import { proj4 } from "./crs.js";

/** A definition proj4 transforms as PROJ does (see the module note). */
export function transformDefinition(def: string): string {
  if (!def.startsWith("+") || !/\+R_A\b/i.test(def) || /\+R=/.test(def)) return def;
  const p = new (proj4().Proj)(def.replace(/\s*\+R_A\b/i, "")) as unknown as { a: number; es: number };
  const es = p.es;
  // PROJ's series for the radius of the sphere of equal area (pj_ell_set's R_A).
  const radius = p.a * (1 - es * (1 / 6 + es * (17 / 360 + es * (67 / 3024))));
  return `${def} +R=${radius}`;
}

/**
 * A PROJ string in the terms proj4 has: its near-sided perspective is the tilted one untilted
 * (`+proj=nsper` as `+proj=tpers +tilt=0 +azi=0`, the same points), which PROJ reads too.
 */
export function proj4Dialect(def: string): string {
  return /^\+proj=nsper\b/.test(def) ? def.replace(/^\+proj=nsper\b/, "+proj=tpers +tilt=0 +azi=0") : def;
}

/** Whether a PROJ string orders or points its axes other than east, north, up. */
const ownAxes = (def: string) => /\+axis=(?!enu\b)\w+/.test(def);

/** A point converter between two definitions (PROJ strings, WKT, `EPSG:n` proj4 knows). */
export interface Converter {
  forward(p: readonly [number, number]): [number, number];
  inverse(p: readonly [number, number]): [number, number];
}

/** A converter from `from` to `to`, parsed once, transforming as PROJ does. */
export function converter(from: string, to: string): Converter {
  const conv = proj4()(transformDefinition(from), transformDefinition(to));
  const axes = ownAxes(from) || ownAxes(to);
  const pair = (q: number[]): [number, number] => [q[0] ?? Number.NaN, q[1] ?? Number.NaN];
  return {
    forward: (p) => pair(conv.forward([p[0], p[1]], axes)),
    inverse: (p) => pair(conv.inverse([p[0], p[1]], axes)),
  };
}
