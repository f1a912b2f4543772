/**
 * Points transformed by proj4 as PROJ transforms them, where proj4 reads a PROJ string otherwise:
 * - `+R_A` (the sphere of the ellipsoid's area, GDAL's Miller): proj4 takes the sphere but keeps
 *   the semi-major axis as its radius, 0.11 % too large on WGS 84 (20 km across a world map). The
 *   radius is given explicitly, as PROJ derives it.
 * - `+axis=wsu` (a south-orientated grid, southern Africa's Lo systems): proj4 applies a PROJ
 *   string's axes only when asked (`enforceAxis`), and gave east and north in their place. Asked,
 *   it also applies the other side's WKT axes: WKT 2's geographic CRS (latitude first) had its
 *   points' longitude and latitude swapped, thousands of km off. The PROJ string's axes are
 *   applied here instead, and a WKT's never: its points are longitude, latitude or east, north.
 */
import { proj4 } from "./crs.js";
import { spelledEllipsoid } from "./proj-ellipsoids.js";

/** A definition proj4 transforms as PROJ does (see the module note). */
export function transformDefinition(given: string): string {
  const def = spelledEllipsoid(given);
  if (!def.startsWith("+") || !/\+R_A\b/i.test(def) || /\+R=/.test(def)) return def;
  const p = new (proj4().Proj)(def.replace(/\s*\+R_A\b/i, "")) as unknown as { a: number; es: number };
  const es = p.es;
  // PROJ's series for the radius of the sphere of equal area (pj_ell_set's R_A).
  const radius = p.a * (1 - es * (1 / 6 + es * (17 / 360 + es * (67 / 3024))));
  return `${def} +R=${radius}`;
}

/**
 * A PROJ string in the terms proj4 has: its near-sided perspective is the tilted one untilted
 * (`+proj=nsper` as `+proj=tpers +tilt=0 +azi=0`, the same points), which PROJ reads too; an
 * ellipsoid proj4 lacks is spelled out (proj-ellipsoids.ts).
 */
export function proj4Dialect(given: string): string {
  const def = spelledEllipsoid(given);
  return /^\+proj=nsper\b/.test(def) ? def.replace(/^\+proj=nsper\b/, "+proj=tpers +tilt=0 +azi=0") : def;
}

/** The axes a PROJ string orders or points other than east, north (`wsu`, `neu`), else null. */
function ownAxes(def: string): string | null {
  const axis = def.startsWith("+") ? /\+axis=([enws]{2})[ud]?\b/.exec(def)?.[1] : undefined;
  return axis && axis !== "en" ? axis : null;
}

/** A point in `axes` from its east and north. */
function toAxes(axes: string | null, [e, n]: readonly number[]): [number, number] {
  const pick = (a: string | undefined) => (a === "e" ? e : a === "w" ? -(e as number) : a === "n" ? n : -(n as number));
  return axes ? [pick(axes[0]) as number, pick(axes[1]) as number] : [e ?? Number.NaN, n ?? Number.NaN];
}

/** The east and north of a point in `axes`. */
function fromAxes(axes: string | null, p: readonly number[]): [number, number] {
  if (!axes) return [p[0] ?? Number.NaN, p[1] ?? Number.NaN];
  const q: [number, number] = [Number.NaN, Number.NaN];
  for (const i of [0, 1]) {
    const a = axes[i];
    const v = p[i] as number;
    if (a === "e" || a === "w") q[0] = a === "e" ? v : -v;
    else q[1] = a === "n" ? v : -v;
  }
  return q;
}

/** A point converter between two definitions (PROJ strings, WKT, `EPSG:n` proj4 knows). */
export interface Converter {
  forward(p: readonly [number, number]): [number, number];
  inverse(p: readonly [number, number]): [number, number];
}

/** The parts of proj4's parsed definition its datum shift is read from. */
interface Parsed {
  datum?: { datum_type: number; a: number; es: number; datum_params?: number[] };
}

/**
 * Whether two parsed definitions share one Helmert shift to WGS 84 (proj4's datum types 1 and 2).
 * proj4 takes points between such CRSs through WGS 84 and back, and its inverse of a shift is
 * the first-order one: 1.85 m off on Helle 1954's (rotations of 32 to 153 arc-seconds).
 */
function sameShift(a: Parsed, b: Parsed): boolean {
  const [da, db] = [a.datum, b.datum];
  if (!da || !db || da.datum_type !== db.datum_type || (da.datum_type !== 1 && da.datum_type !== 2)) return false;
  const [pa, pb] = [da.datum_params ?? [], db.datum_params ?? []];
  return da.a === db.a && da.es === db.es && pa.length === pb.length && pa.every((v, i) => v === pb[i]);
}

/**
 * `def` as proj4 parses it. proj4 throws the whole text for a method it lacks (Laborde, Colombia
 * Urban, Guam): the error names the method instead.
 */
function parsed(def: string): Parsed {
  try {
    const P = proj4().Proj as unknown as new (d: string) => Parsed; // tsc drops brackets around `as`
    return new P(transformDefinition(def));
  } catch (e) {
    const method = /\+proj=(\S+)/.exec(def)?.[1] ?? /(?:PROJECTION|METHOD)\["([^"]+)"/.exec(def)?.[1];
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(
      method && /projection name/i.test(why)
        ? `points cannot be transformed in this CRS: proj4 has no "${method}" projection`
        : `proj4 cannot read this CRS: ${why.slice(0, 160)}`,
    );
  }
}

/** A converter from `from` to `to`, parsed once, transforming as PROJ does (on one datum: without a shift). */
export function converter(from: string, to: string): Converter {
  const [source, dest] = [parsed(from), parsed(to)];
  if (sameShift(source, dest)) {
    // No datum: proj4 then converts the point as it is, as PROJ does between CRSs on one datum.
    for (const d of [source.datum, dest.datum]) if (d) d.datum_type = 5;
  }
  const conv = proj4()(source as never, dest as never);
  const [a, b] = [ownAxes(from), ownAxes(to)];
  return {
    forward: (p) => toAxes(b, conv.forward(fromAxes(a, p))),
    inverse: (p) => toAxes(a, conv.inverse(fromAxes(b, p))),
  };
}
