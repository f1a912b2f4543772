/**
 * A GeoTIFF block job on a codec worker ({@link TiffBlockJob}): the block's bytes read from the
 * file and decoded by the reader's own {@link decodeBlock}, with zlib inflating on the worker
 * itself rather than in libuv's pool.
 */
import { inflateSync, type ZlibOptions } from "node:zlib";
import type { TiffBlockJob } from "../codec-pool.js";
import { readRange } from "../worker-files.js";
import { decodeBlock } from "./decode.js";

const inflateHere = async (b: Uint8Array, o: ZlibOptions) => inflateSync(b, o);

/** The block, decoded. */
export async function decodeBlockJob(job: TiffBlockJob): Promise<Uint8Array> {
  const raw = readRange(job.fd, job.offset, job.length);
  if (raw.length < job.length) throw new RangeError("block ends past the end of the file");
  return decodeBlock(raw, job.codec, job.rows, job.where, inflateHere);
}
