/**
 * A PROJ string's named ellipsoid (`+ellps=`) as PROJ defines it. proj4's table lacks some of
 * PROJ's (WGS72, spelt WGS7 there; GSK2011, PZ90, danish, APL4.9) and takes a name it lacks for
 * WGS 84, without a word: the 250 WGS 72 and 177 GSK-2011 CRSs of the bundled EPSG index were
 * read on WGS 84's ellipsoid, 0.1-1.8 m off. Such a name gets its axes spelled out beside it; a
 * name PROJ does not know either is an error, as it is to PROJ.
 *
 * Internal (used by proj4-transform.ts).
 */
import { TilecastError } from "../errors.js";
import { proj4 } from "./crs.js";
import { PROJ_ELLIPSOIDS } from "./proj-ellipsoid-table.js";

/** A name as proj4 matches it: case and `_ - / ( )` and blanks ignored. */
const loose = (name: string) => name.toLowerCase().replace(/[\s_\-/()]/g, "");

/** PROJ's ellipsoid of `name` (exact, else loosely matched), or undefined. */
function projEllipsoid(name: string) {
  if (Object.hasOwn(PROJ_ELLIPSOIDS, name)) return PROJ_ELLIPSOIDS[name];
  const key = Object.keys(PROJ_ELLIPSOIDS).find((k) => loose(k) === loose(name));
  return key === undefined ? undefined : PROJ_ELLIPSOIDS[key];
}

/** Whether proj4 reads `+ellps=name` with PROJ's axes, to a tenth of a millimetre; cached. */
const agrees = new Map<string, boolean>();
function proj4Agrees(name: string, e: { a: number; rf?: number; b?: number }): boolean {
  let hit = agrees.get(name);
  if (hit === undefined) {
    const P = proj4().Proj as unknown as new (d: string) => { a: number; b: number }; // tsc drops brackets around `as`
    const p = new P(`+proj=longlat +ellps=${name} +no_defs`);
    const b = e.b ?? (e.rf ? e.a * (1 - 1 / e.rf) : e.a);
    hit = Math.abs(p.a - e.a) < 1e-4 && Math.abs(p.b - b) < 1e-4;
    agrees.set(name, hit);
  }
  return hit;
}

/**
 * `def` with its `+ellps=` axes spelled out where proj4's table lacks or misreads the name (see
 * the module note). Axes the string gives itself (`+a`, `+rf`, `+b`, `+R`) override the name's,
 * as in PROJ.
 *
 * @throws TilecastError E_ARGUMENT for an ellipsoid name PROJ does not know.
 */
export function spelledEllipsoid(def: string): string {
  if (!def.startsWith("+")) return def;
  const name = /(?:^|\s)\+ellps=(\S+)/.exec(def)?.[1];
  if (name === undefined) return def;
  const e = projEllipsoid(name);
  if (!e) {
    throw new TilecastError(
      "E_ARGUMENT",
      `unknown ellipsoid "+ellps=${name}" in PROJ string (proj -le lists PROJ's, as WGS84, GRS80, intl)`,
    );
  }
  const hasA = /(?:^|\s)\+a=/.test(def);
  const hasShape = /(?:^|\s)\+(?:b|rf|f|es|e)=/.test(def);
  // proj4 takes the name's axes only where the string gives no +a, and then all of them: a +rf
  // beside the name was dropped, and a +a beside it had no shape.
  if (/(?:^|\s)\+R=/.test(def) || (!hasA && !hasShape && proj4Agrees(name, e))) return def;
  const terms = [];
  if (!hasA) terms.push(`+a=${e.a}`);
  if (!hasShape) terms.push(e.rf ? `+rf=${e.rf}` : `+b=${e.b ?? e.a}`);
  return terms.length ? `${def} ${terms.join(" ")}` : def;
}
