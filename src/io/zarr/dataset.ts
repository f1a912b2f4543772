/**
 * Opening a Zarr store (v2 or v3; local directory or http(s) URL) and listing its arrays with
 * their dims, shape, dtype, chunks, fill value and attributes. Consolidated metadata is used when
 * present; without it a local store is listed from its directories.
 *
 * @example
 * ```ts
 * import { openZarr } from "tilecast";
 * const ds = await openZarr("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr");
 * ds.arrays.get("t2m")?.dims; // ["time", "latitude", "longitude"]
 * ```
 */
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import * as zarr from "zarrita";
import { errorLine, TilecastError } from "../../errors.js";
import { halfToNumber } from "../../util/half.js";
import { isUrl } from "../../util/url.js";
import { codecPool, type OffThreadCodec } from "../codec-pool.js";
import { readInput } from "../input-file.js";
import { readInJob } from "../reading.js";
import { chunkBytes } from "./bounds.js";
import { cachedChunks, checkedChunks } from "./chunk-access.js";
import { ChunkCache, type DecodedChunk, defaultCacheBytes } from "./chunk-cache.js";
import { checkCodecs } from "./codec-check.js";
import { registerZarrCodecs } from "./codecs.js";
import { refuseDraftV3 } from "./draft-v3.js";
import { missingFill } from "./fill-marks.js";
import { LocalStore } from "./fs-store.js";
import { readHalvesAsBits } from "./halves.js";
import { type MetadataAhead, metadataAhead } from "./metadata-ahead.js";
import { unlistedNames } from "./named-arrays.js";
import { offThreadChunks, offThreadCodec, splitsInParts } from "./off-thread.js";
import { rangedFetch } from "./ranged-fetch.js";
import { indexedAtStart, readShardIndexAtStart } from "./shard-index-start.js";
import { unreadableType } from "./unreadable.js";
import { checkDims, checkMeta, rawMeta } from "./validate.js";

/** A readable zarrita store. */
export type ZarrStore = zarr.Readable;

/** One array of a store. */
export interface ZarrArrayInfo {
  /** Path inside the store without the leading slash ("t2m", "group/var"). */
  readonly name: string;
  readonly dims: readonly string[];
  readonly shape: readonly number[];
  /** zarrita's dtype name ("float32", "int16", "bool", ...). */
  readonly dtype: string;
  readonly chunks: readonly number[];
  /** Zarr v3 sharding: the shard shape (each shard one object holding many `chunks`). */
  readonly shards?: readonly number[];
  readonly fillValue: number | null;
  /** The fill value where it marks missing cells (`fill-marks.ts`), else null. */
  readonly missingFill: number | null;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly array: zarr.Array<zarr.DataType, ZarrStore>;
  /** The store key of a chunk, for error messages ("t2m/0.1.0", "v/c/0/1"). */
  chunkKey(coords: readonly number[]): string;
  /**
   * A chunk for a caller that keeps its values: `shared` when they are the cache's and must be
   * copied first ({@link ChunkCache.take}).
   */
  takeChunk(coords: number[], signal?: AbortSignal): Promise<{ chunk: DecodedChunk; shared: boolean }>;
  /**
   * Start decoding a chunk into the cache, for a read expected soon (read-ahead), `ahead` chunks
   * after the one being read (default 1); does nothing without a cache or when `ahead` such chunks
   * would take more than half of it. Errors are left to the read.
   */
  prefetchChunk(coords: number[], ahead?: number): void;
}

/** An open store. */
export interface ZarrDataset {
  readonly path: string;
  readonly zarrFormat: 2 | 3;
  readonly consolidated: boolean;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly arrays: ReadonlyMap<string, ZarrArrayInfo>;
  /** Arrays of a type tilecast does not read (complex, raw bytes, records), by name: what they hold. */
  readonly unreadable: ReadonlyMap<string, string>;
  readonly store: ZarrStore;
  /** Decoded chunks of every array, within a budget ({@link ChunkCache}); null when off. */
  readonly cache: ChunkCache | null;
}

/** Options for {@link openZarr}. */
export interface OpenZarrOptions {
  /** Budget of the decoded-chunk cache in bytes (default {@link defaultCacheBytes}; 0: none). */
  cacheBytes?: number;
  /**
   * The variable to be read. A remote store without consolidated metadata cannot be listed: it is
   * opened with this variable and the arrays its metadata names (`named-arrays.ts`).
   */
  variable?: string;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** The format of a local store from its root files, or null when it is not a store. */
async function localFormat(dir: string): Promise<2 | 3 | null> {
  if (await exists(join(dir, "zarr.json"))) return 3;
  for (const f of [".zgroup", ".zarray", ".zmetadata"]) if (await exists(join(dir, f))) return 2;
  return null;
}

/** Array paths of a local store, found by walking its directories (up to 4 levels). */
async function listLocal(dir: string, format: 2 | 3, prefix = "", depth = 0): Promise<string[]> {
  const out: string[] = [];
  if (depth > 4) return out;
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith(".")) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    const here = join(dir, rel);
    if (format === 2) {
      if (await exists(join(here, ".zarray"))) out.push(rel);
      else if (await exists(join(here, ".zgroup"))) out.push(...(await listLocal(dir, format, rel, depth + 1)));
    } else if (await exists(join(here, "zarr.json"))) {
      const kind = await readInput(join(here, "zarr.json"), "utf8")
        .then((t) => (JSON.parse(t) as { node_type?: string }).node_type)
        .catch(() => "array");
      if (kind === "array") out.push(rel);
      else out.push(...(await listLocal(dir, format, rel, depth + 1)));
    }
  }
  return out.sort();
}

function metadataError(path: string, name: string, e: unknown): TilecastError {
  if (e instanceof SyntaxError || /JSON/.test(errorLine(e))) {
    return new TilecastError("E_FORMAT", `malformed metadata for '${name}' (${errorLine(e)})`, { path, cause: e });
  }
  if (zarr.isZarritaError(e, "UnknownCodecError") || /codec/i.test(errorLine(e))) {
    return new TilecastError("E_UNSUPPORTED", `array '${name}': ${errorLine(e)}`, { path, cause: e });
  }
  return new TilecastError("E_FORMAT", `cannot open array '${name}' (${errorLine(e)})`, { path, cause: e });
}

/**
 * Open a Zarr store and describe its arrays.
 *
 * @throws TilecastError E_NOT_FOUND, E_FORMAT (not a store, malformed metadata), E_UNSUPPORTED.
 */
export async function openZarr(path: string, o: OpenZarrOptions = {}): Promise<ZarrDataset> {
  registerZarrCodecs();
  const budget = o.cacheBytes ?? defaultCacheBytes();
  const cache = budget > 0 ? new ChunkCache(budget) : null;
  let raw: ZarrStore;
  let format: 2 | 3;
  let rootDoc: Uint8Array | undefined; // a remote store's root zarr.json, read to tell its format
  let names: string[] | null = null;
  let store: ZarrStore;
  let consolidated = false;
  let ahead: MetadataAhead | null = null;
  if (isUrl(path)) {
    // Requests time out and are tried again, and ranges hold whatever the server does (`ranged-fetch.ts`).
    raw = new zarr.FetchStore(path.replace(/\/+$/, ""), { fetch: rangedFetch() });
    ahead = metadataAhead(raw, ["/zarr.json", "/.zmetadata"]); // one round trip for both
    rootDoc = await raw.get("/zarr.json");
    format = rootDoc ? 3 : 2;
  } else {
    const dir = resolve(path);
    const s = await stat(dir).catch((e: unknown) => {
      throw new TilecastError("E_NOT_FOUND", "no such file or directory", { path, cause: e });
    });
    if (!s.isDirectory()) throw new TilecastError("E_FORMAT", "not a Zarr store (not a directory)", { path });
    await readInJob(dir);
    const f = await localFormat(dir);
    if (f === null)
      throw new TilecastError("E_FORMAT", "not a Zarr store (no .zgroup, .zarray, .zmetadata or zarr.json)", { path });
    format = f;
    raw = new LocalStore(dir);
  }
  if (format === 3) refuseDraftV3(rootDoc ?? (await raw.get("/zarr.json")), path); // one request for a URL
  const times = new Map<string, string>(); // datetime64 arrays: the units of their int64 counts
  const halves = readHalvesAsBits(raw, times);
  const indexAtStart = readShardIndexAtStart(raw);
  try {
    const listable = await zarr.withConsolidatedMetadata(raw, { format: format === 3 ? "v3" : "v2" });
    names = listable
      .contents()
      .filter((c) => c.kind === "array")
      .map((c) => c.path.replace(/^\//, ""));
    store = listable;
    consolidated = true;
  } catch {
    store = raw;
  }
  if (names === null)
    names = isUrl(path) ? await unlistedNames(raw, format, o.variable, path) : await listLocal(resolve(path), format);
  ahead?.arrays(["", ...names], format, consolidated);
  const root = zarr.root(store);
  let attrs: Record<string, unknown> = {};
  const rootNode = await zarr.open(root).catch(() => null);
  if (rootNode?.kind === "group") attrs = { ...rootNode.attrs };
  else if (rootNode?.kind === "array") names = [""];
  // A root array zarrita cannot open for its type: set aside below, as every such array is.
  else if (!rootNode && unreadableType(await rawMeta(store, "", format).catch(() => null), format)) names = [""];
  const arrays = new Map<string, ZarrArrayInfo>();
  const unreadable = new Map<string, string>();
  for (const name of names) {
    let array: zarr.Array<zarr.DataType, ZarrStore>;
    let keys = { sep: ".", prefix: "" };
    let shards: number[] | undefined;
    let offThread: OffThreadCodec | null = null;
    let splits = false;
    try {
      const meta = await checkMeta(path, raw, store, name, format);
      const kind = unreadableType(meta, format);
      if (kind) {
        unreadable.set(name, kind);
        continue;
      }
      if (format === 3 && indexedAtStart(meta)) indexAtStart.add(name);
      offThread = offThreadCodec(meta as Parameters<typeof offThreadCodec>[0], format);
      splits = splitsInParts(meta as Parameters<typeof offThreadCodec>[0], format);
      const codecs = Array.isArray(meta?.codecs) ? (meta.codecs as { name?: string }[]) : [];
      if (codecs.some((c) => c?.name === "sharding_indexed"))
        shards = meta?.chunk_grid?.configuration?.chunk_shape as number[] | undefined;
      const loc = name ? root.resolve(name) : root;
      array = format === 3 ? await zarr.open.v3(loc, { kind: "array" }) : await zarr.open.v2(loc, { kind: "array" });
      keys = checkCodecs(meta, name, format);
    } catch (e) {
      if (e instanceof TilecastError) throw new TilecastError(e.code, e.problem, { path, cause: e });
      throw metadataError(path, name, e);
    }
    // v3 makes `attributes` optional (tensorstore leaves it out).
    const a = (array.attrs ?? {}) as Record<string, unknown>;
    checkDims(path, name, (array.dimensionNames ?? a._ARRAY_DIMENSIONS) as unknown[] | undefined, array.shape.length);
    const dims =
      array.dimensionNames ?? (a._ARRAY_DIMENSIONS as string[] | undefined) ?? array.shape.map((_, i) => `dim_${i}`);
    const { _ARRAY_DIMENSIONS: _, ...rest } = a;
    const timeUnits = times.get(name);
    if (timeUnits) rest.units = timeUnits;
    const half = halves.has(name);
    const fv = array.fillValue;
    const fill = typeof fv === "number" ? (half ? halfToNumber(fv) : fv) : typeof fv === "bigint" ? Number(fv) : null;
    const chunkKey = (coords: readonly number[]) =>
      `${name ? `${name}/` : ""}${keys.prefix}${coords.length ? coords.join(keys.sep) : "0"}`;
    const pool = offThread && raw instanceof LocalStore ? codecPool() : null;
    if (pool && offThread) offThreadChunks(array, offThread, pool, (raw as LocalStore).root, chunkKey, splits);
    checkedChunks(array, chunkKey);
    const access = cachedChunks(array, cache, name, chunkBytes(array.dtype, array.chunks));
    arrays.set(name, {
      name,
      dims,
      shape: array.shape,
      dtype: half ? "float16" : array.dtype,
      chunks: array.chunks,
      ...(shards ? { shards } : {}),
      fillValue: fill,
      missingFill: missingFill(fill, format, rest),
      attrs: rest,
      array,
      chunkKey,
      ...access,
    });
  }
  if (arrays.size === 0 && unreadable.size > 0) {
    const what = [...unreadable].map(([n, k]) => `${n ? `'${n}'` : "its one array"} holds ${k}`).join("; ");
    throw new TilecastError("E_UNSUPPORTED", `no array tilecast reads: ${what}`, { path });
  }
  if (arrays.size === 0) throw new TilecastError("E_FORMAT", "store holds no arrays", { path });
  ahead?.stop();
  return { path, zarrFormat: format, consolidated, attrs, arrays, unreadable, store, cache };
}
