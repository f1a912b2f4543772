/**
 * Forecast products as one Zarr store that cycles append to: a variable with dims
 * `(time, lead_time, y, x)` (or `latitude, longitude` on a geographic grid), where `time` is the forecast reference time (CF
 * `forecast_reference_time`, minutes since 1970, in the input's calendar: real time, or a climate
 * model's `noleap` or `360_day` dates) and `lead_time` the forecast period (minutes,
 * CF `forecast_period`), with `y`/`x` coordinates and a rioxarray `spatial_ref`, so a day of
 * cycles is one dataset `xarray.open_zarr` opens.
 *
 * Each cycle writes its own `time` slot: one chunk per lead, then the slot's time value (its
 * chunk of `time` rewritten, forecast-times.ts), then the arrays' shapes and the consolidated
 * metadata, each file renamed into place. A cycle written
 * again replaces its slot (reruns are idempotent); a crash mid-write leaves chunks past the
 * published shape, invisible and overwritten by the next write. A cycle older than the newest
 * goes in its place in time, so `time` stays sorted (forecast-insert.ts). The store itself is
 * created in a temporary directory and renamed into place. One writer at a time (cycles run in
 * sequence).
 *
 * Zarr v2, zlib-compressed chunks (numcodecs `zlib`, read by zarr-python, xarray and tilecast).
 *
 * @example
 * ```ts
 * import { writeForecastSlot } from "tilecast/io";
 * const grid = { variable: "rain_rate", units: "mm h-1", x: [500, 1500], y: [1500, 500], crsWkt: null };
 * await writeForecastSlot("/tmp/nowcast.zarr", grid, { time: new Date("2010-08-26T06:00Z"), leadMinutes: [5, 10], data: new Float32Array(8) });
 * ```
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { TilecastError } from "../../errors.js";
import { type Calendar, countedCalendar } from "../../grid/calendars.js";
import { parseCrs } from "../../grid/crs.js";
import { atomicWrite, exists, tempPathFor } from "../atomic.js";
import { spatialRefAttrs, xyCoordAttrs } from "./crs-attrs.js";
import { cloneShifted, recoverSwap, swapInto } from "./forecast-insert.js";
import { readTimes, TIME_CHUNK, writeTimeChunks } from "./forecast-times.js";

/** The grid and variable of a product store. */
export interface ForecastGrid {
  variable: string;
  units?: string;
  longName?: string;
  /** Cell-centre coordinates (`x` left to right, `y` as the rows go). */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** The spatial dims' names: `["y", "x"]` (projected, metres; the default) or `["latitude", "longitude"]`. */
  dims?: readonly ["y", "x"] | readonly ["latitude", "longitude"];
  crsWkt: string | null;
  /** Global attributes (title, source, licence). */
  attrs?: Record<string, unknown>;
  /** The calendar of the cycles' times (default `proleptic_gregorian`: real time). */
  calendar?: Calendar;
}

/** One cycle's forecast: `leadMinutes.length × height × width` values, lead-major. */
export interface ForecastSlot {
  /**
   * The reference time: a Date, or ms since 1970-01-01 in the count of days of the grid's
   * calendar (`LabelTime`'s), as a climate model's `noleap` or `360_day` dates are counted.
   */
  time: Date | number;
  leadMinutes: readonly number[];
  data: Float32Array;
}

const ZLIB = { id: "zlib", level: 5 };
const enc = (o: unknown) => `${JSON.stringify(o, null, 1)}\n`;

function zarray(shape: number[], chunks: number[], dtype: string, fill: unknown) {
  return {
    zarr_format: 2,
    shape,
    chunks,
    dtype,
    compressor: ZLIB,
    fill_value: fill,
    order: "C",
    filters: null,
    dimension_separator: ".",
  };
}

function bytesOf(a: Float32Array | Float64Array | Int32Array | BigInt64Array): Buffer {
  return deflateSync(Buffer.from(a.buffer, a.byteOffset, a.byteLength), { level: 5 });
}

/**
 * Every array's metadata, by key (`rain_rate/.zarray`, ...), for a store of `n` slots whose
 * `time` is in chunks of `timeChunk`.
 */
function metadata(g: ForecastGrid, n: number, leads: number, timeChunk: number): Record<string, unknown> {
  const h = g.y.length;
  const w = g.x.length;
  const [yd, xd] = g.dims ?? ["y", "x"];
  const crs = g.crsWkt ? parseCrs(g.crsWkt) : null;
  const coord = (dim: string, axis: "x" | "y") => ({ _ARRAY_DIMENSIONS: [dim], ...xyCoordAttrs(crs, axis) });
  return {
    ".zgroup": { zarr_format: 2 },
    ".zattrs": { Conventions: "CF-1.8", ...(g.attrs ?? {}) },
    [`${g.variable}/.zarray`]: zarray([n, leads, h, w], [1, 1, h, w], "<f4", "NaN"),
    [`${g.variable}/.zattrs`]: {
      _ARRAY_DIMENSIONS: ["time", "lead_time", yd, xd],
      ...(g.units ? { units: g.units } : {}),
      ...(g.longName ? { long_name: g.longName } : {}),
      // GDAL's Zarr driver reads its own _CRS, not the grid mapping (gdal-crs.ts).
      ...(g.crsWkt ? { grid_mapping: "spatial_ref", _CRS: { wkt: g.crsWkt } } : {}),
    },
    "time/.zarray": zarray([n], [timeChunk], "<f8", "NaN"),
    "time/.zattrs": {
      _ARRAY_DIMENSIONS: ["time"],
      units: "minutes since 1970-01-01 00:00:00",
      calendar: g.calendar ?? "proleptic_gregorian",
      standard_name: "forecast_reference_time",
    },
    "lead_time/.zarray": zarray([leads], [leads], "<i4", null),
    "lead_time/.zattrs": { _ARRAY_DIMENSIONS: ["lead_time"], units: "minutes", standard_name: "forecast_period" },
    [`${yd}/.zarray`]: zarray([h], [h], "<f8", "NaN"),
    [`${yd}/.zattrs`]: coord(yd, "y"),
    [`${xd}/.zarray`]: zarray([w], [w], "<f8", "NaN"),
    [`${xd}/.zattrs`]: coord(xd, "x"),
    ...(g.crsWkt && crs
      ? {
          "spatial_ref/.zarray": { ...zarray([], [], "<i8", 0), compressor: null },
          "spatial_ref/.zattrs": { _ARRAY_DIMENSIONS: [], ...spatialRefAttrs(crs, g.crsWkt) },
        }
      : {}),
  };
}

async function writeMetadata(dir: string, meta: Record<string, unknown>): Promise<void> {
  for (const [key, value] of Object.entries(meta)) await atomicWrite(join(dir, key), enc(value));
  await atomicWrite(join(dir, ".zmetadata"), enc({ zarr_consolidated_format: 1, metadata: meta }));
}

/** Create the store (coordinates, no slots) in a temporary directory, then rename it into place. */
async function create(path: string, g: ForecastGrid, leads: readonly number[]): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await mkdir(temp, { recursive: true });
    const [yd, xd] = g.dims ?? ["y", "x"];
    for (const k of [g.variable, "time", "lead_time", yd, xd, ...(g.crsWkt ? ["spatial_ref"] : [])])
      await mkdir(join(temp, k));
    await writeFile(join(temp, "lead_time", "0"), bytesOf(Int32Array.from(leads)));
    await writeFile(join(temp, yd, "0"), bytesOf(Float64Array.from(g.y)));
    await writeFile(join(temp, xd, "0"), bytesOf(Float64Array.from(g.x)));
    if (g.crsWkt) await writeFile(join(temp, "spatial_ref", "0"), Buffer.alloc(8));
    await writeMetadata(temp, metadata(g, 0, leads.length, TIME_CHUNK));
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw new TilecastError("E_WRITE", `cannot create the forecast store (${(e as Error).message})`, {
      path,
      cause: e,
    });
  }
}

/**
 * The slots' reference times (minutes since 1970), their chunking and the lead times of an
 * existing store.
 */
async function existing(
  path: string,
  g: ForecastGrid,
): Promise<{ times: number[]; timeChunk: number; leads: number[] }> {
  const zmeta = JSON.parse(await readFile(join(path, ".zmetadata"), "utf8")).metadata as Record<
    string,
    { shape: number[]; chunks?: number[] }
  >;
  const shape = zmeta[`${g.variable}/.zarray`]?.shape;
  if (!shape || shape.length !== 4)
    throw new TilecastError(
      "E_FORMAT",
      `not a forecast store of '${g.variable}' (time, lead_time, ${(g.dims ?? ["y", "x"]).join(", ")})`,
      {
        path,
      },
    );
  if (shape[2] !== g.y.length || shape[3] !== g.x.length)
    throw new TilecastError(
      "E_ARGUMENT",
      `the store's grid is ${shape[3]} x ${shape[2]}, this forecast's ${g.x.length} x ${g.y.length}`,
      { path },
    );
  // Cycles of one calendar: a noleap forecast does not append to a store of real times.
  const stored = (zmeta["time/.zattrs"] as { calendar?: string } | undefined)?.calendar ?? "standard";
  const mine = g.calendar ?? "proleptic_gregorian";
  if (countedCalendar(String(stored)) !== mine)
    throw new TilecastError(
      "E_ARGUMENT",
      `the store's cycles are dates of the ${stored} calendar, this forecast's of ${mine}`,
      {
        path,
      },
    );
  const timeChunk = zmeta["time/.zarray"]?.chunks?.[0] ?? 1;
  const times = await readTimes(path, shape[0] as number, timeChunk);
  const lb = new Uint8Array(inflateSync(await readFile(join(path, "lead_time", "0"))));
  return { times, timeChunk, leads: Array.from(new Int32Array(lb.buffer, 0, shape[1])) };
}

/** Write one cycle into the store (created on first use); returns its slot. */
export async function writeForecastSlot(
  path: string,
  g: ForecastGrid,
  slot: ForecastSlot,
): Promise<{ index: number; replaced: boolean }> {
  const h = g.y.length;
  const w = g.x.length;
  const k = slot.leadMinutes.length;
  if (slot.data.length !== k * h * w)
    throw new TilecastError(
      "E_ARGUMENT",
      `a forecast of ${k} leads on ${w} x ${h} needs ${k * h * w} values, got ${slot.data.length}`,
      { path },
    );
  await recoverSwap(path);
  if (!(await exists(path))) await create(path, g, slot.leadMinutes);
  const { times, timeChunk, leads } = await existing(path, g);
  if (leads.join() !== slot.leadMinutes.join())
    throw new TilecastError(
      "E_ARGUMENT",
      `the store's lead times are [${leads}] min, this forecast's [${slot.leadMinutes}]`,
      { path },
    );
  const minutes = (typeof slot.time === "number" ? slot.time : slot.time.getTime()) / 60000;
  const found = times.indexOf(minutes);
  // A new cycle goes after every earlier one: at the end, or (a backfill) in its place in time.
  const later = times.findIndex((t) => t > minutes);
  const index = found >= 0 ? found : later >= 0 ? later : times.length;
  const after = [...times];
  if (found < 0) after.splice(index, 0, minutes);
  // The chunk the slot's time goes in; an insertion moves every later time, so (unless each
  // chunk is one slot, whose files the clone renames) every later chunk is written again.
  const first = Math.floor(index / timeChunk);
  const last = found < 0 && later >= 0 && timeChunk > 1 ? Math.floor((after.length - 1) / timeChunk) : first;
  const put = async (dir: string) => {
    for (let l = 0; l < k; l++)
      await atomicWrite(
        join(dir, g.variable, `${index}.${l}.0.0`),
        bytesOf(slot.data.subarray(l * h * w, (l + 1) * h * w)),
      );
    await writeTimeChunks(dir, after, timeChunk, first, last);
    if (found < 0) await writeMetadata(dir, metadata(g, after.length, k, timeChunk));
  };
  if (found >= 0 || later < 0) await put(path);
  else {
    const temp = tempPathFor(path);
    try {
      await cloneShifted(path, temp, g.variable, index, timeChunk);
      await put(temp);
      await swapInto(path, temp);
    } catch (e) {
      await rm(temp, { recursive: true, force: true });
      throw e;
    }
  }
  return { index, replaced: found >= 0 };
}
