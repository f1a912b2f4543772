/**
 * `inspect` for Zarr stores: `{format: "zarr", zarrFormat, consolidated, variables: {NAME: {dims,
 * shape, dtype, chunks, fillValue, attrs, placed}}, coords: {NAME: {...same, values | range}}}`,
 * `placed` being how tilecast places the variable (transform or GCPs, CRS, nodata) or why it
 * cannot read it as a raster.
 * NaN fill values are written "nan" (JSON has no NaN); CF time coordinates as ISO strings.
 *
 * @example
 * ```ts
 * import { inspectZarr } from "tilecast/io";
 * const info = await inspectZarr("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr");
 * Object.keys(info.variables); // ["t2m", "tp"]
 * ```
 */

import { isTilecastError, TilecastError } from "../../errors.js";
import { crsLabel, describeRaster, type RasterInfo } from "../geotiff/inspect.js";
import { packingTerm } from "../unpack.js";
import { cfTimeLabels, isCfTime } from "./cf-time.js";
import { openZarr, type ZarrArrayInfo } from "./dataset.js";
import { namedBy } from "./named-arrays.js";
import { readCoord, readPositions } from "./read.js";
import { openZarrSource } from "./source.js";
import { isTextDtype, readText } from "./text.js";
import { readTimeValues } from "./time-values.js";
import { coordLabels, dataVariables } from "./variables.js";

/** One array as `inspect` prints it. */
export interface ZarrArraySummary {
  dims: string[];
  shape: number[];
  dtype: string;
  chunks: number[];
  /** Zarr v3 sharding: the shard shape. */
  shards?: number[];
  fillValue: number | "nan" | null;
  attrs: Record<string, unknown>;
  /** A data variable's placement; a string saying why it cannot be opened as a raster. */
  placed?: ZarrPlacement | string;
}

/** How tilecast places a data variable (what `openZarrSource` makes of its coordinates and grid mapping). */
export interface ZarrPlacement {
  /** The transform, or null where GCPs place it or nothing does. */
  transform: number[] | null;
  /** How many ground control points place it (2-D latitude and longitude), or 0. */
  gcps: number;
  crs: RasterInfo["crs"];
  nodata: number | "nan" | null;
  /** A 360-degree longitude grid, periodic in x. */
  periodicX: boolean;
}

/** A coordinate adds its values (up to 32) or its first and last value. */
export interface ZarrCoordSummary extends ZarrArraySummary {
  values?: (number | string)[];
  range?: [number | string, number | string];
}

/** What `tilecast inspect --json` prints for a store. */
export interface ZarrInfo {
  format: "zarr";
  path: string;
  zarrFormat: 2 | 3;
  consolidated: boolean;
  variables: Record<string, ZarrArraySummary>;
  coords: Record<string, ZarrCoordSummary>;
  /** Arrays of a type tilecast does not read, by name: what they hold (only where there are some). */
  unreadable?: Record<string, string>;
}

function summary(a: ZarrArrayInfo): ZarrArraySummary {
  const fv = a.fillValue;
  return {
    dims: [...a.dims],
    shape: [...a.shape],
    dtype: a.dtype,
    chunks: [...a.chunks],
    ...(a.shards ? { shards: [...a.shards] } : {}),
    fillValue: fv !== null && Number.isNaN(fv) ? "nan" : fv,
    attrs: { ...a.attrs },
  };
}

/** How a data variable is placed, read as `convert` and `run` read it (its first index along extra dims). */
async function placement(path: string, a: ZarrArrayInfo): Promise<ZarrPlacement | string> {
  const extra = a.dims.slice(0, -2).slice(1);
  try {
    const src = await openZarrSource(path, { variable: a.name, index: Object.fromEntries(extra.map((d) => [d, 0])) });
    const i = describeRaster(src);
    return {
      transform: i.transform,
      gcps: i.gcps?.length ?? 0,
      crs: i.crs,
      nodata: i.nodata,
      periodicX: src.meta.periodicX,
    };
  } catch (e) {
    return isTilecastError(e) ? e.problem : String(e);
  }
}

/**
 * Describe every variable and coordinate of a store, or only `variable` and the arrays its
 * metadata names (a remote store without consolidated metadata cannot be listed).
 */
export async function inspectZarr(path: string, variable?: string): Promise<ZarrInfo> {
  const ds = await openZarr(path, variable === undefined ? {} : { variable });
  const named = variable === undefined ? null : ds.arrays.get(variable);
  if (named === undefined)
    throw new TilecastError("E_ARGUMENT", `no variable '${variable}' (${dataVariables(ds).join(", ") || "none"})`, {
      path,
    });
  const vars = new Set(named ? [named.name] : dataVariables(ds));
  // A named variable's arrays in the order its metadata names them, however the store was opened.
  const shown = named
    ? [named.name, ...namedBy(named.name, named.attrs, named.dims)].flatMap((n) => ds.arrays.get(n) ?? [])
    : ds.arrays.values();
  const variables: Record<string, ZarrArraySummary> = {};
  const coords: Record<string, ZarrCoordSummary> = {};
  for (const a of shown) {
    if (vars.has(a.name)) {
      variables[a.name] = { ...summary(a), placed: await placement(path, a) };
      continue;
    }
    const c: ZarrCoordSummary = summary(a);
    if (a.dims.length === 1) {
      const n = a.shape[0] ?? 0;
      const text = isTextDtype(a.dtype);
      if (n <= 32)
        c.values = isCfTime(a.attrs) || text ? await coordLabels(a, path) : Array.from(await readCoord(a, path));
      else if (text)
        c.range = [(await readText(a, path, [0, 1]))[0] ?? "", (await readText(a, path, [n - 1, n]))[0] ?? ""];
      else if (n > 0) {
        // Only the ends: a long coordinate is not read whole to be described.
        const end = (i: number) => (isCfTime(a.attrs) ? readTimeValues : readPositions)(a, [[i, i + 1]], path);
        const ends = [(await end(0))[0] as number | bigint, (await end(n - 1))[0] as number | bigint];
        const labels = isCfTime(a.attrs) ? cfTimeLabels(ends, a.attrs, path, a.name) : ends.map(Number);
        c.range = [labels[0] as number | string, labels[1] as number | string];
      }
    }
    coords[a.name] = c;
  }
  return {
    format: "zarr",
    path,
    zarrFormat: ds.zarrFormat,
    consolidated: ds.consolidated,
    variables,
    coords,
    ...(ds.unreadable.size ? { unreadable: Object.fromEntries(ds.unreadable) } : {}),
  };
}

/** A readable multi-line rendering of {@link ZarrInfo}. */
export function formatZarrInfo(i: ZarrInfo): string {
  const lines = [
    `${i.path}`,
    `  format       zarr v${i.zarrFormat}${i.consolidated ? " (consolidated)" : ""}`,
    "  variables",
  ];
  for (const [n, v] of Object.entries(i.variables)) {
    lines.push(
      `    ${n.padEnd(12)} (${v.dims.join(", ")}) ${v.shape.join(" x ")} ${v.dtype}, chunks ${v.chunks.join(" x ")}${v.shards ? ` in shards of ${v.shards.join(" x ")}` : ""}${v.attrs.units ? `, ${v.attrs.units}` : ""}`,
    );
    const p = v.placed;
    const pad = " ".repeat(17);
    if (typeof p === "string") lines.push(`${pad}not readable as a raster: ${p}`);
    else if (p) {
      const by = p.transform
        ? `transform ${p.transform.join(", ")}${p.periodicX ? " (periodic in x)" : ""}`
        : p.gcps
          ? `${p.gcps} ground control points (2-D latitude and longitude)`
          : "nothing (no transform)";
      lines.push(`${pad}placed by ${by}`, `${pad}crs ${crsLabel(p.crs)}, nodata ${p.nodata ?? "none"}`);
    }
    const [scale, offset] = [v.attrs.scale_factor, v.attrs.add_offset];
    if (typeof scale === "number" || typeof offset === "number") {
      const first = (a: unknown, d: number) => Number((Array.isArray(a) ? a[0] : a) ?? d);
      lines.push(`${pad}packed: value = ${packingTerm(first(scale, 1), first(offset, 0))}; read unpacked`);
    }
  }
  lines.push("  coords");
  for (const [n, c] of Object.entries(i.coords)) {
    const vals = c.values
      ? c.values.length > 6
        ? `${c.values.slice(0, 3).join(", ")} ... ${c.values.at(-1)}`
        : c.values.join(", ")
      : c.range
        ? `${c.range[0]} ... ${c.range[1]}`
        : "";
    // A unit that is not a time's reference ("hours" of a lead time, "degrees_north"), as a variable's.
    const units = typeof c.attrs.units === "string" && !isCfTime(c.attrs) ? `, ${c.attrs.units}` : "";
    lines.push(`    ${n.padEnd(12)} (${c.dims.join(", ")}) ${c.dtype}${units}${vals ? `: ${vals}` : ""}`);
  }
  if (i.unreadable)
    lines.push("  not read", ...Object.entries(i.unreadable).map(([n, k]) => `    ${n.padEnd(12)} ${k}`));
  return lines.join("\n");
}
