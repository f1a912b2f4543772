/**
 * A user-defined CRS's names in GeoTIFF citations, as GDAL writes and reads them: the projected
 * CRS's name in `GTCitationGeoKey`, and `GCS Name = ...|Datum = ...|Ellipsoid = ...|Primem = ...|`
 * in `GeogCitationGeoKey` (see `grid/crs-names.ts` for why they matter).
 */
import type { CrsNames } from "../../grid/crs-names.js";
import { Key, USER_DEFINED } from "./geokeys.js";
import type { GeoKeyEntry } from "./geokeys-write.js";

type Values = ReadonlyMap<number, number | readonly number[] | string>;

const FIELDS: Record<string, keyof CrsNames> = {
  "gcs name": "gcs",
  datum: "datum",
  ellipsoid: "ellipsoid",
  primem: "primem",
  "pcs name": "crs",
};

/** `A = x|B = y|` as pairs; a text without `=` is one name under `plain`. */
function fields(text: string, plain: keyof CrsNames): Partial<Record<keyof CrsNames, string>> {
  const out: Partial<Record<keyof CrsNames, string>> = {};
  if (!text.includes("=")) {
    const name = text.replace(/\|+$/, "").trim();
    if (name) out[plain] = name;
    return out;
  }
  for (const part of text.split("|")) {
    const at = part.indexOf("=");
    const key = FIELDS[part.slice(0, at).trim().toLowerCase()];
    const value = part.slice(at + 1).trim();
    if (at > 0 && key && value) out[key] = value;
  }
  return out;
}

/** The names a user-defined CRS's citations give, or undefined when they give none. */
export function namesFromCitations(keys: Values): CrsNames | undefined {
  const gt = keys.get(Key.GTCitation);
  const geog = keys.get(Key.GeogCitation);
  // A geographic CRS given by its EPSG code is named by that code, as GDAL names it: its
  // citation ("unknown", as gdal_create writes one for +datum=WGS84) names nothing then.
  const code = keys.get(Key.GeographicType);
  const coded = typeof code === "number" && code > 0 && code !== USER_DEFINED;
  const names = {
    ...(typeof gt === "string" && !gt.includes("ESRI PE String") ? fields(gt, "crs") : {}),
    ...(typeof geog === "string" && !coded ? fields(geog, "gcs") : {}),
  };
  return Object.keys(names).length ? names : undefined;
}

/**
 * Citation keys for a user-defined CRS whose source named its parts (a CRS without names gets
 * none, and GDAL names it as it names the source's): the projected CRS's name (`projected`)
 * and the geographic part's names, "unknown" where one is missing, as GDAL names a CRS given by
 * a PROJ string. `ellipsoid`: whether the ellipsoid is written user-defined (GDAL names it then).
 */
export function citationKeys(n: CrsNames, projected: boolean, ellipsoid: boolean): GeoKeyEntry[] {
  const geog = [
    `GCS Name = ${n.gcs ?? "unknown"}`,
    `Datum = ${n.datum ?? "unknown"}`,
    ...(ellipsoid ? [`Ellipsoid = ${n.ellipsoid ?? "unknown"}`] : []),
    `Primem = ${n.primem ?? "Greenwich"}`,
  ];
  const clean = (s: string) => s.replaceAll("|", "/");
  return [
    ...(projected && n.crs !== undefined ? [{ key: Key.GTCitation, value: clean(n.crs) }] : []),
    { key: Key.GeogCitation, value: `${geog.map(clean).join("|")}|` },
  ];
}
