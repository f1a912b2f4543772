/**
 * How a Zarr output describes its CRS, in one place for the raster writer (`sink.ts`) and the
 * forecast store (`forecast-store.ts`): the WKT it keeps (`crs_wkt`, GDAL's `_CRS`), the
 * `spatial_ref` grid mapping (CF's parameters, then the WKT, as rioxarray writes it), and the
 * x/y coordinates' units and standard names.
 */
import { type Crs, isGeographic, isRotatedPole, proj4, proj4Definition, wktWithVertical } from "../../grid/crs.js";
import { metresPerUnit } from "../../grid/crs-units.js";
import { proj4Wkt } from "../../grid/proj-wkt.js";
import { inverseFlattening, projectedWkt } from "../../grid/proj-wkt1.js";
import { cfGridMappingAttrs } from "./cf-grid-mapping-write.js";
import { cfUnits } from "./length-units.js";

/**
 * The WKT a store keeps for `crs`: its own (with a vertical part), its EPSG code's, else its PROJ
 * string's, with the projection named as GDAL names it (proj-wkt1.ts) or, for a method WKT 1
 * has no name for, as `custom_proj4` (proj-wkt.ts); a PROJ string proj4 cannot read is kept as
 * it is (GDAL reads one there).
 */
export function storeWkt(crs: Crs): string {
  const own = wktWithVertical(crs);
  if (own) return own;
  if (!crs.proj4) return crs.epsg ? `EPSG:${crs.epsg}` : "";
  try {
    return namedWkt(crs) ?? proj4Wkt(proj4Definition(crs));
  } catch {
    return crs.proj4;
  }
}

/**
 * The WKT 1 of a CRS known by its PROJ string, its projection named as GDAL names it
 * (proj-wkt1.ts), or null where WKT 1 has no name for it here or proj4 cannot read it.
 */
export function namedWkt(crs: Crs): string | null {
  if (!crs.proj4) return null;
  try {
    // proj4Definition: as proj4 reads it (Transverse Mercator on a sphere needs its +approx).
    const def = proj4Definition(crs);
    const p = new (proj4().Proj)(def) as unknown as { a: number; b?: number; rf?: number };
    return projectedWkt(def, { a: p.a, rf: inverseFlattening(p) }, crs.names);
  } catch {
    return null;
  }
}

/** The `spatial_ref` variable's attributes: CF's grid-mapping parameters where CF has them, the WKT, the transform. */
export function spatialRefAttrs(crs: Crs, wkt: string, transform?: readonly number[]): Record<string, unknown> {
  return {
    ...cfGridMappingAttrs(crs),
    crs_wkt: wkt,
    spatial_ref: wkt,
    ...(transform ? { GeoTransform: transform.join(" ") } : {}),
  };
}

/** The length unit of a projected CRS's coordinates, as CF names it ("m", "km", "US_survey_foot"...). */
function lengthUnits(crs: Crs): string {
  return cfUnits(metresPerUnit(crs));
}

/** The units and standard name of an x or y coordinate in `crs`. */
export function xyCoordAttrs(crs: Crs | null, axis: "x" | "y"): { units: string; standard_name: string } {
  if (isGeographic(crs))
    return {
      units: axis === "x" ? "degrees_east" : "degrees_north",
      standard_name: axis === "x" ? "longitude" : "latitude",
    };
  if (isRotatedPole(crs)) return { units: "degrees", standard_name: axis === "x" ? "grid_longitude" : "grid_latitude" };
  return { units: crs ? lengthUnits(crs) : "m", standard_name: `projection_${axis}_coordinate` };
}
