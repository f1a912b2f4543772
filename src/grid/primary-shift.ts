/**
 * An EPSG code's PROJ string with the datum shift PROJ uses for it.
 *
 * Internal (used by `crs.ts`).
 */
import { DATUM_SHIFTS } from "./datum-shifts.js";

/**
 * `def` with the shift to WGS 84 PROJ uses for this code where the bundled index's differs
 * (`datum-shifts.ts`, derived from PROJ's database by `scripts/datum-shifts.py`): the best
 * Helmert shift EPSG publishes for the CRS's area, else none (PROJ's ballpark). The index's
 * shifts came from an older EPSG dataset: a grid tilecast does not ship, with which proj4 gives
 * NaN (British National Grid, the NAD27 state planes, DHDN), rotations with their signs reversed
 * (Belgian Lambert 72 65 m off, Finland's KKJ 305 m), or another transformation than PROJ's.
 */
export function primaryShift(code: number, def: string): string {
  const shift = DATUM_SHIFTS.get(code);
  const grid = /\s\+nadgrids=("[^"]*"|\S+)/.exec(def); // a quoted name may hold blanks
  if (shift === undefined) return grid && grid[1] !== "@null" ? def.replace(grid[0], "") : def;
  const bare = def
    .replace(/\s\+towgs84=\S+/, "")
    .replace(/\s\+nadgrids=("[^"]*"|\S+)/, "")
    .replace(/\s\+datum=NAD27\b/, " +ellps=clrk66");
  if (!shift) return bare;
  const ellipsoid = /\s\+(?:ellps|a|R)=\S+(?:\s\+(?:b|rf)=\S+)?/.exec(bare);
  return ellipsoid ? bare.replace(ellipsoid[0], `${ellipsoid[0]} +towgs84=${shift}`) : `${bare} +towgs84=${shift}`;
}
