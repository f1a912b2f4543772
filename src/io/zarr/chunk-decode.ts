/**
 * A Zarr chunk job on a codec worker ({@link ZarrChunkJob}): the chunk's file read and
 * decompressed with tilecast's Blosc-LZ4, node:zlib, or numcodecs.js for other Blosc variants,
 * Zstandard and LZ4.
 */
import { gunzipSync, inflateSync } from "node:zlib";
import type { OffThreadCodec, ZarrChunkJob } from "../codec-pool.js";
import { readAll, readFile, withFile } from "../worker-files.js";
import { decodeBloscLz4Read } from "./blosc.js";
import { checkDeclared } from "./bounds.js";

type Decoder = { decode(b: Uint8Array): Uint8Array | Promise<Uint8Array> };
const numcodecs = new Map<string, Promise<Decoder>>();

/** numcodecs.js's decoder for Blosc variants tilecast's own path leaves, Zstandard and LZ4. */
function numcodecsDecoder(id: "blosc" | "zstd" | "lz4"): Promise<Decoder> {
  let d = numcodecs.get(id);
  if (!d) {
    d = import(`numcodecs/${id}`).then((m: { default: { fromConfig(c: object): Decoder } }) =>
      m.default.fromConfig({ id }),
    );
    numcodecs.set(id, d);
  }
  return d;
}

async function decode(codec: Exclude<OffThreadCodec, "blosc">, b: Uint8Array, limit: number): Promise<Uint8Array> {
  switch (codec) {
    case "none":
      return b;
    case "zlib":
      return inflateSync(b, { maxOutputLength: limit });
    case "gzip":
      return gunzipSync(b, { maxOutputLength: limit });
    default:
      checkDeclared(codec, b, limit);
      return (await numcodecsDecoder(codec)).decode(b);
  }
}

/**
 * A Blosc chunk's file read straight into the LZ4 decoder's memory (no copy of the compressed
 * bytes), or null when there is none; a variant that decoder leaves goes to numcodecs.js.
 */
async function bloscChunk(file: string, limit: number): Promise<Uint8Array | null> {
  const r = withFile(file, (fd, size) => decodeBloscLz4Read(size, (dst) => readAll(fd, dst), limit));
  if (r === null || "decoded" in r) return r?.decoded ?? null;
  return (await numcodecsDecoder("blosc")).decode(r.raw);
}

/** The chunk in `job.file`, decoded, or null when there is no file. */
export async function decodeChunkJob(job: ZarrChunkJob): Promise<Uint8Array | null> {
  if (job.codec === "blosc") return bloscChunk(job.file, job.bytes);
  const raw = readFile(job.file);
  return raw === null ? null : decode(job.codec, raw, job.bytes);
}
