/**
 * Prime meridians as WKT 1 names them: PROJ's `+pm` (one of its names, or degrees east of
 * Greenwich) to GDAL's PRIMEM name and longitude, for the WKT a Zarr output keeps.
 */

/** PROJ's named prime meridians: GDAL's WKT 1 name and longitude (EPSG's) for each. */
const MERIDIANS: Readonly<Record<string, readonly [string, number]>> = {
  greenwich: ["Greenwich", 0],
  lisbon: ["Lisbon", -9.13190611111111],
  paris: ["Paris", 2.33722917],
  bogota: ["Bogota", -74.0809166666667],
  madrid: ["Madrid", -3.68793888888889],
  rome: ["Rome", 12.4523333333333],
  bern: ["Bern", 7.43958333333333],
  jakarta: ["Jakarta", 106.807719444444],
  ferro: ["Ferro", -17.6666666666667],
  brussels: ["Brussels", 4.367975],
  stockholm: ["Stockholm", 18.0582777777778],
  athens: ["Athens", 23.7163375],
  oslo: ["Oslo", 10.7229166666667],
  copenhagen: ["Copenhagen", 12.57788],
};

/**
 * The prime meridian's WKT name and longitude for PROJ's `+pm` (a name, or degrees east of
 * Greenwich, named as the source named it); null for a name PROJ has and this table does not.
 */
export function primeMeridian(pm: string | undefined, name: string | undefined): readonly [string, number] | null {
  if (pm === undefined) return [name ?? "Greenwich", 0];
  const named = MERIDIANS[pm.toLowerCase()];
  if (named) return named;
  const degrees = Number(pm);
  return Number.isFinite(degrees) ? [name ?? "unknown", degrees] : null;
}
