/**
 * Checks on a store's metadata before any chunk is read, so that a lie in the metadata is an
 * error naming the store and the array, never garbage pixels or an internal error:
 * shapes of non-negative integers, chunks of positive integers (one per dim), dimension names as
 * many as dims, a consolidated copy (`.zmetadata`, or v3 inline metadata) that agrees with the
 * array's own `.zarray` / `zarr.json`, and 1-D coordinates as long as their dimension.
 */
import type * as zarr from "zarrita";
import { TilecastError } from "../../errors.js";
import { chunkKeyEncoding } from "./codec-check.js";

/** What the checks compare, read from an array's metadata document. */
export interface RawArrayMeta {
  shape?: unknown;
  chunks?: unknown;
  chunk_grid?: { configuration?: { chunk_shape?: unknown } };
  dtype?: unknown;
  data_type?: unknown;
  compressor?: unknown;
  filters?: unknown;
  codecs?: unknown;
  order?: unknown;
  fill_value?: unknown;
  dimension_separator?: unknown;
  chunk_key_encoding?: { name?: unknown; configuration?: { separator?: unknown } };
}

/** Keys zarr-python requires in a v2 `.zarray`, and the v3 basics: without them it refuses the array. */
export function checkRequiredKeys(path: string, name: string, meta: Record<string, unknown>, format: 2 | 3): void {
  const bad = (problem: string) => new TilecastError("E_FORMAT", `array '${name}': ${problem}`, { path });
  if (meta.zarr_format !== format) throw bad(`zarr_format is ${JSON.stringify(meta.zarr_format)}, expected ${format}`);
  if (format === 2) {
    for (const k of ["shape", "chunks", "dtype", "compressor", "fill_value", "order", "filters"])
      if (!(k in meta)) throw bad(`.zarray has no '${k}'`);
    if (meta.order !== "C" && meta.order !== "F")
      throw bad(`order is ${JSON.stringify(meta.order)}, expected "C" or "F"`);
    if (meta.filters !== null && !Array.isArray(meta.filters)) throw bad("filters must be null or a list");
    if (meta.compressor !== null && typeof meta.compressor !== "object")
      throw bad("compressor must be null or an object");
  } else {
    if (meta.node_type !== "array") throw bad(`node_type is ${JSON.stringify(meta.node_type)}, expected "array"`);
    for (const k of ["shape", "data_type", "chunk_grid", "codecs", "fill_value"])
      if (!(k in meta)) throw bad(`zarr.json has no '${k}'`);
    if (typeof meta.data_type === "string" && !isV3Fill(meta.fill_value, meta.data_type))
      throw bad(`fill_value ${JSON.stringify(meta.fill_value)} is not a ${meta.data_type} value`);
  }
}

const INT_RANGE: Record<string, [number, number]> = {
  int8: [-(2 ** 7), 2 ** 7 - 1],
  uint8: [0, 2 ** 8 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  uint16: [0, 2 ** 16 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [-(2 ** 63), 2 ** 63],
  uint64: [0, 2 ** 64],
};

/**
 * Whether `v` is a v3 fill value of `dataType`, as the spec has them: an integer in range for
 * integers; a number, "NaN", "Infinity", "-Infinity" or a "0x..." bit pattern for floats; true
 * or false for bool. Other types are left to the checks that refuse or read them.
 */
function isV3Fill(v: unknown, dataType: string): boolean {
  const range = INT_RANGE[dataType];
  if (range) return typeof v === "number" && Number.isInteger(v) && v >= range[0] && v <= range[1];
  if (/^float(16|32|64)$/.test(dataType))
    return (
      (typeof v === "number" && Number.isFinite(v)) ||
      v === "NaN" ||
      v === "Infinity" ||
      v === "-Infinity" ||
      (typeof v === "string" && /^0x[0-9a-fA-F]+$/.test(v))
    );
  if (dataType === "bool") return typeof v === "boolean";
  return true;
}

const isCount = (v: unknown, min: number) => typeof v === "number" && Number.isSafeInteger(v) && v >= min;

/** Shape and chunks of an array's metadata, checked. */
export function checkShape(
  path: string,
  name: string,
  shape: readonly unknown[] | undefined,
  chunks: readonly unknown[] | undefined,
): void {
  const bad = (problem: string) => new TilecastError("E_FORMAT", `array '${name}': ${problem}`, { path });
  if (!Array.isArray(shape)) throw bad("metadata has no shape");
  if (!shape.every((n) => isCount(n, 0)))
    throw bad(`shape [${shape.join(", ")}] is not a list of non-negative integers`);
  if (!Array.isArray(chunks) || chunks.length !== shape.length)
    throw bad(`chunks ${JSON.stringify(chunks)} do not give one size per dimension of shape [${shape.join(", ")}]`);
  if (!chunks.every((n) => isCount(n, 1))) throw bad(`chunk shape [${chunks.join(", ")}] has a size below 1`);
}

/** `_ARRAY_DIMENSIONS` (or v3 dimension_names) must name every dim. */
export function checkDims(path: string, name: string, dims: readonly unknown[] | undefined, rank: number): void {
  if (dims === undefined) return;
  if (!Array.isArray(dims) || dims.length !== rank || !dims.every((d) => typeof d === "string"))
    throw new TilecastError(
      "E_FORMAT",
      `array '${name}': dimension names ${JSON.stringify(dims)} do not name its ${rank} dimensions`,
      { path },
    );
}

/**
 * What an array's metadata says about the values read from it, field by field, defaults
 * spelled out: where each chunk is (its key's separator), how it decodes, and what a missing
 * chunk holds. v2 and v3 fields side by side; a format's absent ones compare as equal.
 */
const FIELDS: Record<string, (m: RawArrayMeta, format: 2 | 3) => unknown> = {
  shape: (m) => m.shape,
  chunks: (m) => m.chunks ?? m.chunk_grid?.configuration?.chunk_shape,
  dtype: (m) => m.dtype,
  data_type: (m) => m.data_type,
  compressor: (m) => m.compressor,
  filters: (m) => m.filters,
  codecs: (m) => m.codecs,
  order: (m) => m.order,
  fill_value: (m) => m.fill_value,
  dimension_separator: (m, format) => (format === 2 ? chunkKeyEncoding(m, 2).sep : undefined),
  chunk_key_encoding: (m, format) => {
    if (format === 2) return undefined;
    const { name, sep } = chunkKeyEncoding(m, 3);
    return [name, sep];
  },
};

/**
 * The consolidated copy of an array's metadata must say what the array's own document says on
 * everything that decides the values read ({@link FIELDS}): a store whose consolidated copy is
 * stale is refused, not read one way by tilecast and another by a reader that skips the copy.
 */
export function checkConsolidated(
  path: string,
  name: string,
  own: RawArrayMeta,
  consolidated: RawArrayMeta,
  format: 2 | 3,
): void {
  for (const [f, read] of Object.entries(FIELDS)) {
    const a = read(own, format);
    const b = read(consolidated, format);
    if (JSON.stringify(a) !== JSON.stringify(b))
      throw new TilecastError(
        "E_FORMAT",
        `array '${name}': consolidated metadata disagrees with the array's own on ${f} (${JSON.stringify(b)} vs ${JSON.stringify(a)}); re-consolidate the store`,
        { path },
      );
  }
}

/** A 1-D coordinate must have one value per position of its dimension. */
export function checkCoordLength(path: string, coord: string, values: number, dimLength: number): void {
  if (values !== dimLength)
    throw new TilecastError(
      "E_FORMAT",
      `coordinate '${coord}' has ${values} values but its dimension has ${dimLength} positions`,
      { path },
    );
}

/**
 * A coordinate that places pixels must hold finite values: NaN or infinity would reach the
 * geotransform (and every output written from it) or pass the regularity test unseen.
 */
export function checkCoordFinite(path: string, coord: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v))
      throw new TilecastError("E_FORMAT", `coordinate '${coord}' holds ${v} at index ${i}`, { path });
  }
}

/** An array's own metadata document in `store` (`.zarray` or `zarr.json`), parsed, or null. */
export async function rawMeta(store: zarr.Readable, name: string, format: 2 | 3): Promise<RawArrayMeta | null> {
  const key = `${name ? `/${name}` : ""}/${format === 3 ? "zarr.json" : ".zarray"}`;
  const bytes = await store.get(key as zarr.AbsolutePath);
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as RawArrayMeta) : null;
}

/**
 * Check an array's metadata before zarrita sees it (shape, chunks, and the consolidated copy
 * against the array's own document, when both exist). Returns the document as read, for
 * {@link checkCodecs}, so it is fetched once.
 */
export async function checkMeta(
  path: string,
  raw: zarr.Readable,
  store: zarr.Readable,
  name: string,
  format: 2 | 3,
): Promise<RawArrayMeta | null> {
  const seen = await rawMeta(store, name, format);
  // The array's own document is read even when a consolidated copy exists: a malformed one is
  // an error here, as it is for zarr-python, not something the copy silently hides.
  const own = store === raw ? seen : await rawMeta(raw, name, format);
  for (const m of [seen, own]) {
    if (!m) continue;
    checkRequiredKeys(path, name, m as Record<string, unknown>, format);
    checkShape(path, name, m.shape as unknown[], (m.chunks ?? m.chunk_grid?.configuration?.chunk_shape) as unknown[]);
  }
  if (seen && own && seen !== own) checkConsolidated(path, name, own, seen, format);
  return seen;
}
