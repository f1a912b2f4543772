/**
 * The length unit of a projected CRS: metres per unit of its coordinates (1 for metres, 1000 for
 * `+units=km`, 0.3048006096 for US survey feet), as proj4 reads its PROJ string or WKT.
 *
 * @example
 * metresPerUnit(parseCrs("+proj=utm +zone=33 +units=km")); // 1000
 */
import { type Crs, proj4, proj4Definition } from "./crs.js";

/** Metres per unit of `crs`'s coordinates; 1 where proj4 gives none or cannot read it. */
export function metresPerUnit(crs: Crs): number {
  try {
    const p = new (proj4().Proj)(proj4Definition(crs)) as unknown as { to_meter?: number };
    const metres = Number(p.to_meter ?? 1);
    return Number.isFinite(metres) && metres > 0 ? metres : 1;
  } catch {
    return 1;
  }
}
