/**
 * The names a CRS's parts carry (the projected CRS, its geographic CRS, datum, ellipsoid and
 * prime meridian), which GDAL compares: two CRSs of one definition whose datums are named
 * differently ("unknown" and "unnamed") are not the same to `OSRIsSame`, so rasterio's `==`,
 * `gdalbuildvrt` and `gdalwarp` treated an output as on another CRS than its input. Readers keep
 * them (a GeoTIFF's citations, a WKT's names) and writers write them back.
 */

/** The names of a CRS's parts; any may be missing. */
export interface CrsNames {
  readonly crs?: string;
  readonly gcs?: string;
  readonly datum?: string;
  readonly ellipsoid?: string;
  readonly primem?: string;
}

const PATTERNS: [keyof CrsNames, RegExp][] = [
  ["crs", /^\s*(?:PROJCS|PROJCRS|PROJECTEDCRS)\s*\[\s*"([^"]*)"/i],
  ["gcs", /(?:GEOGCS|BASEGEOGCRS|BASEGEODCRS|GEOGCRS|GEODCRS|GEOGRAPHICCRS)\s*\[\s*"([^"]*)"/i],
  ["datum", /(?:DATUM|GEODETICDATUM|TRF)\s*\[\s*"([^"]*)"/i],
  ["ellipsoid", /(?:SPHEROID|ELLIPSOID)\s*\[\s*"([^"]*)"/i],
  ["primem", /(?:PRIMEM|PRIMEMERIDIAN)\s*\[\s*"([^"]*)"/i],
];

/** The names in a WKT (1 or 2), or undefined when it has none. */
export function namesFromWkt(wkt: string | null): CrsNames | undefined {
  if (!wkt) return undefined;
  const out: Record<string, string> = {};
  for (const [k, re] of PATTERNS) {
    const m = re.exec(wkt);
    if (m?.[1] !== undefined) out[k] = m[1];
  }
  return Object.keys(out).length ? out : undefined;
}
