/**
 * Prime meridians of user-defined geographic CRSs in GeoKeys (`GeogPrimeMeridianGeoKey` by EPSG
 * code, or its longitude in `GeogPrimeMeridianLongGeoKey`). A reader that dropped one would put
 * a grid on the Paris meridian 2.34 degrees west of where it is.
 *
 * Internal (used by `geokeys.ts` and `geokeys-write.ts`).
 */

/** Prime meridians by EPSG code, in degrees east of Greenwich (PROJ's database). */
const PRIME_MERIDIANS: Record<number, number> = {
  8901: 0.0, // Greenwich
  8902: -9.1319061111, // Lisbon
  8903: 2.33722917, // Paris
  8904: -74.0809166667, // Bogota
  8905: -3.687375, // Madrid
  8906: 12.4523333333, // Rome
  8907: 7.4395833333, // Bern
  8908: 106.8077194444, // Jakarta
  8909: -17.6666666667, // Ferro
  8910: 4.367975, // Brussels
  8911: 18.0582777778, // Stockholm
  8912: 23.7163375, // Athens
  8913: 10.7229166667, // Oslo
  8914: 2.3372083333, // Paris RGS
};

/** The prime meridian in degrees east of Greenwich (0 for Greenwich or none given). */
export function primeMeridianOf(code: number | undefined, longitude: number | undefined): number {
  if (code !== undefined && PRIME_MERIDIANS[code] !== undefined) return PRIME_MERIDIANS[code];
  return longitude ?? 0;
}
