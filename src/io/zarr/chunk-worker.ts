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
import { decodeBloscLz4Read } from "./blosc.js";
import { checkDeclared } from "./bounds.js";
import type { ChunkJob, ChunkReply, OffThreadCodec } from "./chunk-pool.js";
import { isMissing } from "./fs-store.js";

/** Files up to this size are read into one buffer the worker keeps (see {@link readFile}). */
const SCRATCH_MAX = 64 * 1024 * 1024;
let scratch = new Uint8Array(0);

/** `use(fd, size)` on the open file, or null when there is none. */
function withFile<T>(file: string, use: (fd: number, size: number) => T): T | null {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
  try {
    return use(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

/**
 * The whole file, or null when there is none. A file up to {@link SCRATCH_MAX} lands in the
 * worker's scratch buffer, valid until the next call: a fresh buffer per chunk costs a page
 * fault per 4 KiB on first write, which took longer than the read itself (64 chunks of 2.3 MB:
 * 120 ms into fresh buffers, 38 ms into one kept buffer).
 */
function readFile(file: string): Uint8Array | null {
  return withFile(file, (fd, size) => {
    if (size > SCRATCH_MAX) {
      const own = new Uint8Array(size);
      return own.subarray(0, readAll(fd, own));
    }
    if (scratch.length < size) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
    return scratch.subarray(0, readAll(fd, scratch.subarray(0, size)));
  });
}

/** Read `fd` from its start into `out` until it is full or the file ends; the bytes read. */
function readAll(fd: number, out: Uint8Array): number {
  let got = 0;
  while (got < out.length) {
    const n = readSync(fd, out, got, out.length - got, got);
    if (n === 0) break;
    got += n;
  }
  return got;
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
async function decodedChunk(job: ChunkJob): Promise<Uint8Array | null> {
  if (job.codec === "blosc") return bloscChunk(job.file, job.bytes);
  const raw = readFile(job.file);
  return raw === null ? null : decode(job.codec, raw, job.bytes);
}

/**
 * `b` as a whole buffer of its own, to transfer: a view into a larger one (the scratch buffer,
 * node:zlib's pool, wasm memory) is copied.
 */
const owned = (b: Uint8Array): Uint8Array =>
  b.byteOffset === 0 &&
  b.byteLength === b.buffer.byteLength &&
  b.buffer !== scratch.buffer &&
  !(b.buffer instanceof SharedArrayBuffer)
    ? b
    : b.slice();

async function answer(job: ChunkJob): Promise<{ reply: ChunkReply; transfer: ArrayBuffer[] }> {
  try {
    const decoded = await decodedChunk(job);
    if (decoded === null) return { reply: { id: job.id, fallback: "missing" }, transfer: [] };
    const bytes = owned(decoded);
    if (bytes.length !== job.bytes)
      return { reply: { id: job.id, fallback: `decoded to ${bytes.length} bytes` }, transfer: [] };
    return { reply: { id: job.id, bytes }, transfer: [bytes.buffer as ArrayBuffer] };
  } catch (e) {
    return { reply: { id: job.id, fallback: errorLine(e) }, transfer: [] };
  }
}

const port = parentPort;
if (port) {
  // One job at a time: a job's input stays in the scratch buffer across its decoder's await.
  // A failure to answer (postMessage throwing) is thrown again outside the chain, ending the
  // worker as it would have without the chain: the pool then hands its jobs to the main thread.
  let queue: Promise<void> = Promise.resolve();
  port.on("message", (job: ChunkJob) => {
    queue = queue
      .then(async () => {
        const { reply, transfer } = await answer(job);
        port.postMessage(reply, transfer);
      })
      .catch((e: unknown) => {
        process.nextTick(() => {
          throw e;
        });
      });
  });
}
