/**
 * Which of a variable's dimensions are its rows and columns. tilecast reads a variable as
 * `(..., y, x)`, as GDAL's raster view of Zarr does, or as `(..., x, y)`, rows and columns the
 * last two swapped, as WeatherBench 2's `(time, longitude, latitude)` stores have them: those are
 * read transposed. A store with a row or column dimension before others (`(latitude, longitude,
 * time)`) would otherwise be read with time as columns, georeferenced along the wrong axes
 * without a word; it is refused instead, with the transpose that makes it readable.
 *
 * Internal (used by `source.ts`).
 */
import { TilecastError } from "../../errors.js";
import type { TypedArray } from "../../grid/dtype.js";
import { LAT_UNITS, LON_UNITS } from "./georef.js";

const Y_NAME = /^(y|lat|latitude|y_lat|nav_lat|rlat|grid_latitude|projection_y_coordinate|northing|south_north)$/i;
const X_NAME = /^(x|lon|long|longitude|x_lon|nav_lon|rlon|grid_longitude|projection_x_coordinate|easting|west_east)$/i;
const Y_STANDARD = new Set(["latitude", "grid_latitude", "projection_y_coordinate"]);
const X_STANDARD = new Set(["longitude", "grid_longitude", "projection_x_coordinate"]);

/**
 * The horizontal axis a dimension is, by its name or by its coordinate's CF attributes (`axis`,
 * `units` in degrees north or east, `standard_name`), or null for any other dimension.
 */
export function spatialAxis(name: string, attrs: Record<string, unknown> = {}): "y" | "x" | null {
  const { axis, units, standard_name: sn } = attrs;
  const u = String(units ?? "").trim();
  if (Y_NAME.test(name) || axis === "Y" || LAT_UNITS.test(u) || Y_STANDARD.has(sn as string)) return "y";
  if (X_NAME.test(name) || axis === "X" || LON_UNITS.test(u) || X_STANDARD.has(sn as string)) return "x";
  return null;
}

/**
 * Throw unless the variable's row and column dimensions (as far as their names and coordinates
 * tell) are its last two; true when they come in the order (x, y), to be read transposed.
 * `attrsOf` gives a dimension's coordinate attributes.
 */
export function checkSpatialLast(
  path: string,
  variable: string,
  dims: readonly string[],
  attrsOf: (dim: string) => Record<string, unknown> | undefined,
): boolean {
  const axes = dims.map((d) => spatialAxis(d, attrsOf(d)));
  const n = dims.length;
  const swapped = axes[n - 2] === "x" && axes[n - 1] === "y";
  if (!axes.slice(0, n - 2).some((a) => a !== null)) return swapped;
  const y = dims[axes.lastIndexOf("y")] ?? "y";
  const x = dims[axes.lastIndexOf("x")] ?? "x";
  throw new TilecastError(
    "E_UNSUPPORTED",
    `variable '${variable}' has dims (${dims.join(", ")}); tilecast reads rows and columns as the last two, ` +
      `(..., ${y}, ${x}): transpose it first (xarray: ds.transpose(..., "${y}", "${x}").to_zarr(...))`,
    { path },
  );
}

/** `rows x cols` values (C order) as `cols x rows`: a window read from an (..., x, y) variable. */
export function transpose(v: TypedArray, rows: number, cols: number): TypedArray {
  const t = new (v.constructor as new (n: number) => TypedArray)(v.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = v[r * cols + c] as number;
  return t;
}
