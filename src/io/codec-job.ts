/**
 * One codec job done and answered: what a codec worker does with each job it is sent, and what
 * the pool does on the calling thread while no worker has started yet ({@link CodecPool}). A
 * Zarr chunk's file read and decoded, a GeoTIFF run of blocks read and decoded, or a tile or
 * chunk compressed. Each job's code loads on its first job.
 *
 * Every failure (a missing file, a codec error, a size that is not the job's) is answered with
 * a reason instead of bytes: the caller then does the job the usual way, which reports the error
 * as it always has, naming the chunk or block.
 */
import { deflateSync } from "node:zlib";
import { errorLine } from "../errors.js";
import { type CodecJob, type CodecReply, ownsBuffer, type PartReply } from "./codec-jobs.js";
import { inScratch } from "./worker-files.js";

async function done(job: CodecJob): Promise<Uint8Array | PartReply | null> {
  if (job.kind === "zarr") return (await import("./zarr/chunk-decode.js")).decodeChunkJob(job);
  if (job.kind === "tiff") return (await import("./geotiff/block-job.js")).decodeBlockJob(job);
  if (job.codec === "deflate") return new Uint8Array(deflateSync(job.input, { level: job.level }));
  if (job.codec === "chunk") {
    if (!job.chunk) throw new Error("a chunk to compress came without its compressor");
    return (await import("./zarr/codecs.js")).encodeChunk(job.input, job.chunk.compressor, job.chunk.typesize);
  }
  return (await import("./zstd-encode.js")).zstdEncode(job.input, job.level);
}

/**
 * `b` as a whole buffer of its own, to transfer: a view into a larger one (the scratch buffer,
 * node:zlib's pool, wasm memory) is copied.
 */
const owned = (b: Uint8Array): Uint8Array => (ownsBuffer(b) && !inScratch(b) ? b : b.slice());

/**
 * `job` done: the answer, and the buffers to transfer with it (the bytes, and an encode job's
 * input, which goes back with every answer for the caller to reuse). Jobs must be answered one
 * at a time: a job's input stays in the scratch buffer across its decoder's await.
 */
export async function answerJob(job: CodecJob): Promise<{ reply: CodecReply; transfer: ArrayBuffer[] }> {
  const back = job.kind === "encode" ? job.input : null;
  const withInput = (reply: CodecReply, transfer: ArrayBuffer[]) =>
    back
      ? { reply: { ...reply, input: back }, transfer: [...transfer, back.buffer as ArrayBuffer] }
      : { reply, transfer };
  try {
    const out = await done(job);
    if (out === null) return withInput({ id: job.id, fallback: "missing" }, []);
    const part = out instanceof Uint8Array ? null : out;
    const bytes = owned(out instanceof Uint8Array ? out : out.bytes);
    // A part's size is checked where the parts are joined (zarr/off-thread.ts's joinParts).
    if (!part && "bytes" in job && bytes.length !== job.bytes)
      return withInput({ id: job.id, fallback: `decoded to ${bytes.length} bytes` }, []);
    const reply: CodecReply = part ? { id: job.id, bytes, range: part.range } : { id: job.id, bytes };
    return withInput(reply, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    return withInput({ id: job.id, fallback: errorLine(e) }, []);
  }
}
