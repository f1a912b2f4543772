/**
 * A Zarr chunk job on a codec worker ({@link ZarrChunkJob}): the chunk's file read and
 * decompressed with tilecast's Blosc-LZ4, node:zlib, or numcodecs.js for other Blosc variants,
 * Zstandard and LZ4.
 */
import { intoTarget, type OffThreadCodec, type PartReply, type ZarrChunkJob } from "../codec-jobs.js";
import { type InflateFormat, inflateExactly } from "../inflate-into.js";
import { readAll, readFile, withFile } from "../worker-files.js";
import { type BlockPart, decodeBloscLz4Read, WHOLE } from "./blosc.js";
import { checkBloscFrame } from "./blosc-frame.js";
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

/** A zlib or gzip chunk inflated into `into` when it is the size and the stream fills it exactly. */
function inflateChunk(b: Uint8Array, limit: number, into: ArrayBuffer | undefined, format: InflateFormat): Uint8Array {
  // Without a target of the size, a fresh one: node:zlib's own would fill exactly and allocate twice.
  return inflateExactly(b, new Uint8Array(into?.byteLength === limit ? into : new ArrayBuffer(limit)), format);
}

async function decode(
  codec: Exclude<OffThreadCodec, "blosc">,
  b: Uint8Array,
  limit: number,
  into: ArrayBuffer | undefined,
): Promise<Uint8Array> {
  switch (codec) {
    case "none":
      return b;
    case "zlib":
    case "gzip":
      return inflateChunk(b, limit, into, codec);
    default:
      checkDeclared(codec, b, limit);
      return (await numcodecsDecoder(codec)).decode(b);
  }
}

/**
 * `part` of a Blosc chunk's file read straight into the LZ4 decoder's memory (no copy of the
 * compressed bytes) and decoded into `into` when it is the size, or null when there is none. A variant that decoder leaves goes to
 * numcodecs.js, whole, in part 0 ({@link wholeInPartZero}).
 */
async function bloscChunk(
  file: string,
  limit: number,
  part: BlockPart,
  into: ArrayBuffer | undefined,
): Promise<PartReply | null> {
  const read = (fd: number, size: number) =>
    decodeBloscLz4Read(size, (dst, at) => readAll(fd, dst, at), limit, part, into);
  const r = withFile(file, read);
  if (r === null) return null;
  if ("decoded" in r) return { bytes: r.decoded, range: r.range };
  if (part.index > 0) return wholeInPartZero(part, limit, null);
  checkBloscFrame(r.raw);
  const { decodeBloscStreams } = await import("./blosc-streams.js");
  const whole = (await decodeBloscStreams(r.raw)) ?? (await (await numcodecsDecoder("blosc")).decode(r.raw));
  return wholeInPartZero(part, limit, whole);
}

/** A chunk decoded whole: part 0 holds all of it, and every other part nothing. */
function wholeInPartZero(part: BlockPart, bytes: number, whole: Uint8Array | null): PartReply {
  if (part.index > 0 || !whole) return { bytes: new Uint8Array(0), range: [bytes, bytes] };
  return { bytes: whole, range: [0, whole.length] };
}

/**
 * The chunk in `job.file`, decoded, or null when there is no file; with `job.part`, that part
 * of it (only Blosc-LZ4 splits; in any other codec part 0 is the whole chunk).
 */
export async function decodeChunkJob(job: ZarrChunkJob): Promise<Uint8Array | PartReply | null> {
  if (job.codec === "blosc") {
    const r = await bloscChunk(job.file, job.bytes, job.part ?? WHOLE, job.into);
    return job.part ? r : (r?.bytes ?? null);
  }
  if (job.part && job.part.index > 0) return wholeInPartZero(job.part, job.bytes, null);
  const raw = readFile(job.file);
  // A chunk stored raw is in the worker's scratch buffer: copied out into the caller's memory.
  const whole = raw === null ? null : intoTarget(await decode(job.codec, raw, job.bytes, job.into), job.into);
  return whole && job.part ? wholeInPartZero(job.part, job.bytes, whole) : whole;
}
