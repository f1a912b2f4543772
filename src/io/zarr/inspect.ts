/**
 * `inspect` for Zarr stores: `{format: "zarr", zarrFormat, consolidated, variables: {NAME: {dims,
 * shape, dtype, chunks, fillValue, attrs}}, coords: {NAME: {...same, values | range}}}`.
 * NaN fill values are written "nan" (JSON has no NaN); CF time coordinates as ISO strings.
 *
 * @example
 * ```ts
 * import { inspectZarr } from "tilecast/io";
 * const info = await inspectZarr("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr");
 * Object.keys(info.variables); // ["t2m", "tp"]
 * ```
 */

import { cfTimeLabels, isCfTime } from "./cf-time.js";
import { openZarr, type ZarrArrayInfo } from "./dataset.js";
import { readCoord, readSelection } from "./read.js";
import { coordLabels, dataVariables } from "./source.js";

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

/** Describe every variable and coordinate of a store. */
export async function inspectZarr(path: string): Promise<ZarrInfo> {
  const ds = await openZarr(path);
  const vars = new Set(dataVariables(ds));
  const variables: Record<string, ZarrArraySummary> = {};
  const coords: Record<string, ZarrCoordSummary> = {};
  for (const a of ds.arrays.values()) {
    if (vars.has(a.name)) {
      variables[a.name] = summary(a);
      continue;
    }
    const c: ZarrCoordSummary = summary(a);
    if (a.dims.length === 1) {
      const n = a.shape[0] ?? 0;
      if (n <= 32) c.values = isCfTime(a.attrs) ? await coordLabels(a, path) : Array.from(await readCoord(a, path));
      else if (n > 0) {
        // Only the ends: a long coordinate is not read whole to be described.
        const ends = Float64Array.of(
          Number((await readSelection(a, [[0, 1]], path)).data[0]),
          Number((await readSelection(a, [[n - 1, n]], path)).data[0]),
        );
        const labels = isCfTime(a.attrs) ? cfTimeLabels(ends, a.attrs, path, a.name) : Array.from(ends);
        c.range = [labels[0] as number | string, labels[1] as number | string];
      }
    }
    coords[a.name] = c;
  }
  return { format: "zarr", path, zarrFormat: ds.zarrFormat, consolidated: ds.consolidated, variables, coords };
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
    lines.push(`    ${n.padEnd(12)} (${c.dims.join(", ")}) ${c.dtype}${vals ? `: ${vals}` : ""}`);
  }
  return lines.join("\n");
}
