/**
 * The length units a projected coordinate is labelled in (CF's `units`, in UDUNITS' spelling or
 * the names GDAL, rioxarray and pyproj write), as metres per unit: "m", "km", "ft",
 * "US_survey_foot" (GDAL's netCDF writer), "US survey foot" (rioxarray), or a scaled metre
 * ("0.3048 m"). CF says a grid mapping's false easting and northing are in these units too, so
 * a CRS from CF parameters alone is in them, as GDAL's netCDF driver builds it.
 *
 * Internal (used by `grid-mapping.ts`, `source.ts` and `crs-attrs.ts`).
 */

const US_FOOT = 1200 / 3937;

/** Names of length units, lower-cased with blanks and underscores as one space. */
const NAMED: Readonly<Record<string, number>> = {
  m: 1,
  meter: 1,
  meters: 1,
  metre: 1,
  metres: 1,
  km: 1000,
  kilometer: 1000,
  kilometers: 1000,
  kilometre: 1000,
  kilometres: 1000,
  ft: 0.3048,
  foot: 0.3048,
  feet: 0.3048,
  "international foot": 0.3048,
  "international feet": 0.3048,
  "us survey foot": US_FOOT,
  "us survey feet": US_FOOT,
  "survey foot": US_FOOT,
  "survey feet": US_FOOT,
  "foot us": US_FOOT,
  ftus: US_FOOT,
  "us-ft": US_FOOT,
};

/** Metres per unit of a coordinate labelled `units`, or null for a label that is not a length. */
export function unitMetres(units: unknown): number | null {
  if (typeof units !== "string") return null;
  const text = units
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, " ");
  const named = NAMED[text];
  if (named !== undefined) return named;
  const scaled = /^([0-9.]+(?:e[-+]?\d+)?)\s*\*?\s*(m|meters?|metres?)$/.exec(text);
  const k = scaled ? Number(scaled[1]) : Number.NaN;
  return k > 0 && Number.isFinite(k) ? k : null;
}

/** Whether two metres-per-unit values are the same unit. */
export const sameUnit = (a: number, b: number): boolean => Math.abs(a / b - 1) < 1e-9;

/** The CF `units` of a coordinate in `metres`-long units: UDUNITS' name where it has one. */
export function cfUnits(metres: number): string {
  if (sameUnit(metres, 1)) return "m";
  if (sameUnit(metres, 1000)) return "km";
  if (sameUnit(metres, 0.3048)) return "ft";
  if (sameUnit(metres, US_FOOT)) return "US_survey_foot";
  return `${metres} m`;
}

/** The PROJ parameter of a CRS in `metres`-long units: `+units=` where PROJ names them. */
export function projUnits(metres: number): string {
  if (sameUnit(metres, 1)) return "+units=m";
  if (sameUnit(metres, 1000)) return "+units=km";
  if (sameUnit(metres, 0.3048)) return "+units=ft";
  if (sameUnit(metres, US_FOOT)) return "+units=us-ft";
  return `+to_meter=${metres}`;
}
