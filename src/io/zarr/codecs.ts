/**
 * Zarr compressors. Decoding goes through zarrita's codec registry, where tilecast registers
 * node:zlib-backed `zlib` and `gzip` codecs (zarrita's own only decode, through web streams);
 * node:zlib runs in libuv's thread pool, so chunks decode on every core. Encoding for the writer
 * uses the same node:zlib for zlib/gzip and numcodecs.js (WebAssembly) for blosc, zstd and lz4.
 *
 * The codecs most stores never use (LZMA, bzip2, the checksums, Blosc's other streams, the Blosc
 * encoder) load on first use: importing them all took about a third of the Zarr reader's import
 * time, which every process that reads a store paid before its first chunk.
 */
import { promisify } from "node:util";
import { deflate, gunzip, gunzipSync, gzip, inflate, inflateSync } from "node:zlib";
import { registry } from "zarrita";
import { errorLine, TilecastError } from "../../errors.js";
import { inflateInto } from "../inflate-into.js";
import { decodeBloscLz4 } from "./blosc.js";
import { checkBloscFrame } from "./blosc-frame.js";
import { type ChunkMeta, checkDeclared, chunkBytes, chunkLimit } from "./bounds.js";
import { castKeepingFill } from "./cast-fill.js";

const inflateAsync = promisify(inflate);
const deflateAsync = promisify(deflate);
const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/** A compressor as written in v2 `.zarray` (numcodecs config) and mapped to v3 codecs. */
export type Compressor =
  | {
      id: "blosc";
      cname: "lz4" | "lz4hc" | "zstd" | "zlib" | "blosclz";
      clevel: number;
      shuffle: 0 | 1 | 2;
      blocksize?: number;
    }
  | { id: "zlib" | "gzip"; level: number }
  | { id: "zstd"; level: number }
  | { id: "lz4"; acceleration?: number };

/** The default compressor for written stores: blosc zstd level 5 with byte shuffle. */
export const DEFAULT_COMPRESSOR: Compressor = { id: "blosc", cname: "zstd", clevel: 5, shuffle: 1, blocksize: 0 };

/** Decoded bytes up to which a zlib or gzip chunk decodes on the calling thread. */
const SMALL_CHUNK = 64 * 1024;

function nodeZlibCodec(kind: "zlib" | "gzip") {
  return {
    kind: "bytes_to_bytes" as const,
    fromConfig: (config: unknown, meta?: ChunkMeta) => {
      const level = (config as { level?: number } | undefined)?.level ?? 1;
      const limit = chunkLimit(meta);
      const bytes = meta?.dataType && meta.shape ? chunkBytes(meta.dataType, meta.shape) : null;
      return {
        kind: "bytes_to_bytes" as const,
        encode: async (b: Uint8Array) =>
          new Uint8Array(await (kind === "zlib" ? deflateAsync(b, { level }) : gzipAsync(b, { level }))),
        decode: async (b: Uint8Array) => {
          // One output chunk where the decoded size is known (node:zlib calls back to the main
          // thread once per chunk); otherwise a few large ones. Never a buffer far larger than
          // the result: each is allocated whole, and garbage collection pays for the excess.
          const chunkSize = limit ?? Math.min(64 * 1024 * 1024, Math.max(64 * 1024, b.length * 4));
          const o = { chunkSize, ...(limit !== null ? { maxOutputLength: limit } : {}) };
          try {
            // A small chunk (a coordinate stored a value a chunk) decodes here, through this
            // thread's one reused stream: the thread pool's round trip, or a new zlib stream a
            // chunk, costs far more than inflating a few kilobytes.
            if (bytes !== null && bytes <= SMALL_CHUNK) {
              const out = new Uint8Array(bytes);
              const n = inflateInto(b, out, kind);
              if (n !== null) return n === bytes ? out : out.slice(0, n);
              return new Uint8Array(kind === "zlib" ? inflateSync(b, o) : gunzipSync(b, o));
            }
            return new Uint8Array(await (kind === "zlib" ? inflateAsync(b, o) : gunzipAsync(b, o)));
          } catch (e) {
            if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
              throw new Error(`${kind} data decodes to more than the chunk's ${limit} bytes`);
            throw e;
          }
        },
      };
    },
  };
}

/** Blosc: the JavaScript LZ4 path when it applies, numcodecs.js (WebAssembly) otherwise. */
function bloscCodec() {
  return {
    kind: "bytes_to_bytes" as const,
    fromConfig: (config: unknown, meta?: ChunkMeta) => {
      const limit = chunkLimit(meta);
      let wasm: Promise<{ decode(b: Uint8Array): Uint8Array | Promise<Uint8Array> }> | null = null;
      const fallback = () => {
        wasm ??= import("numcodecs/blosc").then((m) => m.default.fromConfig({ ...(config as object), id: "blosc" }));
        return wasm;
      };
      return {
        kind: "bytes_to_bytes" as const,
        encode: async (b: Uint8Array) =>
          (await numcodecsEncoder({ ...(config as Compressor & { id: "blosc" }), id: "blosc" })).encode(b),
        decode: async (b: Uint8Array) => {
          checkDeclared("blosc", b, limit);
          checkBloscFrame(b);
          const lz4 = decodeBloscLz4(b);
          if (lz4) return lz4;
          const { decodeBloscStreams } = await import("./blosc-streams.js");
          return (await decodeBloscStreams(b)) ?? (await fallback()).decode(b);
        },
      };
    },
  };
}

type CodecClass = { fromConfig(config: unknown, meta?: ChunkMeta): { decode(b: Uint8Array): unknown } };

/** A numcodecs codec class whose decode first checks the size the data declares. */
function bounded(id: "lz4" | "zstd", C: unknown) {
  const inner = C as CodecClass;
  return {
    ...(inner as object),
    fromConfig(config: unknown, meta?: ChunkMeta) {
      const codec = inner.fromConfig(config, meta) as object & { decode(b: Uint8Array): unknown };
      const limit = chunkLimit(meta);
      return Object.assign(Object.create(codec), {
        decode(b: Uint8Array) {
          checkDeclared(id, b, limit);
          return codec.decode(b);
        },
      });
    },
  };
}

/**
 * numcodecs' Quantize filter: values were rounded to `digits` decimal digits when written, so
 * reading them is the identity, provided they were stored in the array's own dtype (checked
 * with the array's other codecs, in codec-check.ts). tilecast never writes it.
 */
const quantizeCodec = {
  kind: "array_to_array" as const,
  fromConfig: () => ({
    kind: "array_to_array" as const,
    decode: <T>(chunk: T) => chunk,
    encode: () => {
      throw new Error("tilecast does not write the quantize filter");
    },
  }),
};

let registered = false;

/** Register tilecast's node:zlib codecs with zarrita (idempotent). */
export function registerZarrCodecs(): void {
  if (registered) return;
  registered = true;
  for (const kind of ["zlib", "gzip"] as const) {
    const entry = nodeZlibCodec(kind);
    const load = async () => entry as never;
    registry.set(kind, load);
    registry.set(`numcodecs.${kind}`, load);
  }
  registry.set("numcodecs.quantize", async () => quantizeCodec as never);
  const cast = registry.get("cast_value");
  if (cast) registry.set("cast_value", async () => castKeepingFill(await cast()) as never);
  const lzma = async () => (await import("./lzma-codec.js")).lzmaCodec as never;
  const bz2 = async () => (await import("./bz2-codec.js")).bz2Codec as never;
  registry.set("crc32c", async () => (await import("./crc32c.js")).crc32cCodec as never);
  registry.set("lzma", lzma);
  registry.set("numcodecs.lzma", lzma);
  registry.set("bz2", bz2);
  registry.set("numcodecs.bz2", bz2);
  registry.set("numcodecs.crc32", async () => (await import("./checksum-codecs.js")).crc32Codec as never);
  registry.set("numcodecs.adler32", async () => (await import("./checksum-codecs.js")).adler32Codec as never);
  const blosc = bloscCodec();
  registry.set("blosc", async () => blosc as never);
  registry.set("numcodecs.blosc", async () => blosc as never);
  for (const id of ["lz4", "zstd"] as const)
    for (const key of [id, `numcodecs.${id}`]) {
      const original = registry.get(key);
      if (original) registry.set(key, async () => bounded(id, await original()) as never);
    }
}

interface Encoder {
  encode(b: Uint8Array): Uint8Array | Promise<Uint8Array>;
}
const encoders = new Map<string, Promise<Encoder>>();

async function numcodecsEncoder(c: Compressor): Promise<Encoder> {
  const key = JSON.stringify(c);
  let e = encoders.get(key);
  if (!e) {
    e = (async () => {
      if (c.id === "blosc")
        return (await import("numcodecs/blosc")).default.fromConfig({ ...c, blocksize: c.blocksize ?? 0 });
      if (c.id === "zstd") return (await import("numcodecs/zstd")).default.fromConfig(c);
      if (c.id === "lz4") return (await import("numcodecs/lz4")).default.fromConfig(c);
      throw new TilecastError("E_ARGUMENT", `no encoder for compressor ${c.id}`);
    })();
    encoders.set(key, e);
  }
  return e;
}

/**
 * Compress one chunk's bytes (null: stored as is). `typesize` is the bytes per value, which
 * Blosc's shuffle groups by.
 */
export async function encodeChunk(bytes: Uint8Array, c: Compressor | null, typesize = 4): Promise<Uint8Array> {
  if (c === null) return bytes;
  try {
    if (c.id === "zlib") return await deflateAsync(bytes, { level: c.level });
    if (c.id === "gzip") return await gzipAsync(bytes, { level: c.level });
    if (c.id === "blosc" && (c.cname === "lz4" || c.cname === "zstd") && (c.shuffle === 0 || c.shuffle === 1))
      return await (await import("./blosc-encode.js")).encodeBlosc(bytes, {
        cname: c.cname,
        clevel: c.clevel,
        shuffle: c.shuffle,
        typesize,
      });
    return await (await numcodecsEncoder(c)).encode(bytes);
  } catch (e) {
    if (e instanceof TilecastError) throw e;
    throw new TilecastError("E_WRITE", `cannot compress a chunk with ${c.id} (${errorLine(e)})`, { cause: e });
  }
}

/** Parse a CLI compressor name: "blosc-zstd", "blosc-lz4", "zlib", "gzip", "zstd", "lz4", "none". */
export function parseCompressor(name: string): Compressor | null {
  switch (name) {
    case "none":
      return null;
    case "zlib":
    case "gzip":
      return { id: name, level: 5 };
    case "zstd":
      return { id: "zstd", level: 3 };
    case "lz4":
      return { id: "lz4", acceleration: 1 };
    case "blosc-zstd":
      return DEFAULT_COMPRESSOR;
    case "blosc-lz4":
      return { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 };
    default:
      throw new TilecastError(
        "E_ARGUMENT",
        `unknown compressor '${name}' (blosc-zstd, blosc-lz4, zlib, gzip, zstd, lz4, none)`,
      );
  }
}
