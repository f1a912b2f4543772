/**
 * The worker thread behind {@link ChunkPool}: reads a chunk's file and decompresses it, off the
 * main thread, and hands the bytes back (their buffer transferred, not copied).
 *
 * Every failure (a missing file, a codec error, a size that is not the chunk's) is answered with
 * a reason instead of bytes: the main thread then reads the chunk the usual way, which reports
 * the error as it always has, naming the chunk.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { gunzipSync, inflateSync } from "node:zlib";
import { errorLine } from "../../errors.js";
import { decodeBloscLz4 } from "./blosc.js";
import { checkDeclared } from "./bounds.js";
import type { ChunkJob, ChunkReply, OffThreadCodec } from "./chunk-pool.js";
import { isMissing } from "./fs-store.js";

/** The whole file, in a buffer of its own (transferable), or null when there is none. */
function readFile(file: string): Uint8Array | null {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
  try {
    const out = new Uint8Array(fstatSync(fd).size);
    let got = 0;
    while (got < out.length) {
      const n = readSync(fd, out, got, out.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === out.length ? out : out.slice(0, got);
  } finally {
    closeSync(fd);
  }
}

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

async function decode(codec: OffThreadCodec, b: Uint8Array, limit: number): Promise<Uint8Array> {
  switch (codec) {
    case "none":
      return b;
    case "zlib":
      return inflateSync(b, { maxOutputLength: limit });
    case "gzip":
      return gunzipSync(b, { maxOutputLength: limit });
    case "blosc":
      checkDeclared("blosc", b, limit);
      return decodeBloscLz4(b) ?? (await numcodecsDecoder("blosc")).decode(b);
    default:
      checkDeclared(codec, b, limit);
      return (await numcodecsDecoder(codec)).decode(b);
  }
}

/** `b` as a whole buffer of its own: a view into a larger one (node:zlib's pool, wasm memory) is copied. */
const owned = (b: Uint8Array): Uint8Array =>
  b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && !(b.buffer instanceof SharedArrayBuffer)
    ? b
    : b.slice();

async function answer(job: ChunkJob): Promise<{ reply: ChunkReply; transfer: ArrayBuffer[] }> {
  try {
    const raw = readFile(job.file);
    if (raw === null) return { reply: { id: job.id, fallback: "missing" }, transfer: [] };
    const bytes = owned(await decode(job.codec, raw, job.bytes));
    if (bytes.length !== job.bytes)
      return { reply: { id: job.id, fallback: `decoded to ${bytes.length} bytes` }, transfer: [] };
    return { reply: { id: job.id, bytes }, transfer: [bytes.buffer as ArrayBuffer] };
  } catch (e) {
    return { reply: { id: job.id, fallback: errorLine(e) }, transfer: [] };
  }
}

const port = parentPort;
if (port) {
  port.on("message", async (job: ChunkJob) => {
    const { reply, transfer } = await answer(job);
    port.postMessage(reply, transfer);
  });
}
