/**
 * Zarr array and group metadata documents for the writer: v2 (`.zarray`, `.zattrs`, `.zgroup`,
 * consolidated `.zmetadata`) and v3 (`zarr.json` with inline consolidated metadata).
 */
import { DTYPE_INFO, type DType } from "../../grid/dtype.js";
import type { Compressor } from "./codecs.js";

/** An array to describe. */
export interface ArraySpec {
  name: string;
  dims: string[];
  shape: number[];
  chunks: number[];
  dtype: DType;
  fillValue: number | null;
  compressor: Compressor | null;
  attrs: Record<string, unknown>;
  /** v3 only: the shard shape (a multiple of `chunks`); chunks are then stored inside shards. */
  shards?: number[];
}

const V2_DTYPE: Record<DType, string> = {
  uint8: "|u1",
  int8: "|i1",
  uint16: "<u2",
  int16: "<i2",
  uint32: "<u4",
  int32: "<i4",
  float32: "<f4",
  float64: "<f8",
};

/** JSON for a fill value: NaN and infinities as the strings Zarr uses. */
export function jsonFill(v: number | null): number | string | null {
  if (v === null) return null;
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  if (v === Number.NEGATIVE_INFINITY) return "-Infinity";
  return v;
}

/** v2 documents for one array, keyed by store path ("t2m/.zarray", "t2m/.zattrs"). */
export function v2ArrayDocs(a: ArraySpec): Record<string, unknown> {
  return {
    [`${a.name}/.zarray`]: {
      zarr_format: 2,
      shape: a.shape,
      chunks: a.chunks,
      dtype: V2_DTYPE[a.dtype],
      compressor: a.compressor,
      fill_value: jsonFill(a.fillValue),
      filters: null,
      order: "C",
      dimension_separator: ".",
    },
    [`${a.name}/.zattrs`]: { _ARRAY_DIMENSIONS: a.dims, ...a.attrs },
  };
}

function v3Compressor(c: Compressor, dtype: DType): { name: string; configuration: Record<string, unknown> } {
  switch (c.id) {
    case "blosc":
      return {
        name: "blosc",
        configuration: {
          cname: c.cname,
          clevel: c.clevel,
          shuffle: ["noshuffle", "shuffle", "bitshuffle"][c.shuffle],
          typesize: DTYPE_INFO[dtype].bytes,
          blocksize: 0,
        },
      };
    case "zstd":
      return { name: "zstd", configuration: { level: c.level, checksum: false } };
    case "gzip":
      return { name: "gzip", configuration: { level: c.level } };
    // zlib and LZ4 are no v3 codecs of the spec: zarr-python 3 names its numcodecs wrappers so
    // (tensorstore reads neither; gzip, zstd and blosc are read everywhere).
    case "zlib":
      return { name: "numcodecs.zlib", configuration: { level: c.level } };
    case "lz4":
      return { name: "numcodecs.lz4", configuration: { acceleration: 1 } };
  }
}

/** The v3 `zarr.json` of one array. */
export function v3ArrayDoc(a: ArraySpec): Record<string, unknown> {
  const codecs = [
    { name: "bytes", configuration: { endian: "little" } },
    ...(a.compressor ? [v3Compressor(a.compressor, a.dtype)] : []),
  ];
  return {
    zarr_format: 3,
    node_type: "array",
    shape: a.shape,
    data_type: a.dtype,
    chunk_grid: { name: "regular", configuration: { chunk_shape: a.shards ?? a.chunks } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    fill_value: jsonFill(a.fillValue) ?? 0,
    codecs: a.shards
      ? [
          {
            name: "sharding_indexed",
            configuration: {
              chunk_shape: a.chunks,
              codecs,
              index_codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "crc32c" }],
              index_location: "end",
            },
          },
        ]
      : codecs,
    attributes: a.attrs,
    dimension_names: a.dims,
  };
}

/** Store key of a chunk. */
export function chunkKey(format: 2 | 3, name: string, coords: readonly number[]): string {
  if (format === 3) return coords.length ? `${name}/c/${coords.join("/")}` : `${name}/c`;
  return `${name}/${coords.length ? coords.join(".") : "0"}`;
}

/** Where a raster's band goes in a store: its variable, and its index along the variable's band axis (null: none). */
export interface BandPlace {
  name: string;
  index: number | null;
}

/**
 * The array a writer writes a raster's bands to: one `(band, y, x)` variable `name`, or with
 * `place` each band where it says.
 */
export type BandArray = Pick<ArraySpec, "name" | "dtype" | "fillValue" | "compressor"> & {
  bands: number;
  place?: readonly BandPlace[];
};

/** Store key of band `b`'s chunk (or shard) at `row`, `col` of the raster's blocks (or shards). */
export function bandChunkKey(format: 2 | 3, a: BandArray, b: number, row: number, col: number): string {
  const p = a.place?.[b] ?? { name: a.name, index: b };
  return chunkKey(format, p.name, p.index === null ? [row, col] : [p.index, row, col]);
}
