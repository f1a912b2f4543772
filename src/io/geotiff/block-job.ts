/**
 * A GeoTIFF block job on a codec worker ({@link TiffBlockJob}): each block's bytes read from the
 * file and decoded by the reader's own {@link decodeBlock}, with zlib inflating on the worker
 * itself rather than in libuv's pool.
 */
import { inflateSync, type ZlibOptions } from "node:zlib";
import type { TiffBlockJob, TiffBlockRef } from "../codec-jobs.js";
import { readRange } from "../worker-files.js";
import { decodeBlock } from "./decode.js";

const inflateHere = async (b: Uint8Array, o: ZlibOptions) => inflateSync(b, o);

/**
 * The bytes of each block: one read when they follow each other in the file (as GDAL writes
 * them), else one read per block. Valid until the next read.
 */
function* blockBytes(job: TiffBlockJob): Generator<Uint8Array> {
  const { blocks } = job;
  const first = blocks[0];
  const last = blocks[blocks.length - 1];
  const contiguous = blocks.every(
    (b, i) => i === 0 || b.offset === (blocks[i - 1] as TiffBlockRef).offset + (blocks[i - 1] as TiffBlockRef).length,
  );
  if (first && last && blocks.length > 1 && contiguous) {
    const span = readRange(job.fd, first.offset, last.offset + last.length - first.offset);
    for (const b of blocks) yield span.subarray(b.offset - first.offset, b.offset - first.offset + b.length);
    return;
  }
  for (const b of blocks) yield readRange(job.fd, b.offset, b.length);
}

/**
 * The job's blocks, decoded, one after another in the job's `into` when it has one; a single
 * block as it decodes, not copied.
 */
export async function decodeBlockJob(job: TiffBlockJob): Promise<Uint8Array> {
  const [only] = job.blocks;
  if (only && job.blocks.length === 1) return decodeOne(only, blockBytes(job).next().value as Uint8Array, job);
  const out = new Uint8Array(job.into?.byteLength === job.bytes ? job.into : new ArrayBuffer(job.bytes));
  let at = 0;
  const bytes = blockBytes(job);
  for (const b of job.blocks) {
    const decoded = await decodeOne(b, bytes.next().value as Uint8Array, job);
    if (at + decoded.length > out.length) throw new RangeError(`${b.where} decodes past the job's size`);
    out.set(decoded, at);
    at += decoded.length;
  }
  // `into` is uninitialized memory: none of it may go back unwritten.
  if (at !== out.length) throw new RangeError(`the job's blocks decode to ${at} bytes, not ${out.length}`);
  return out;
}

async function decodeOne(b: TiffBlockRef, raw: Uint8Array, job: TiffBlockJob): Promise<Uint8Array> {
  if (raw.length < b.length) throw new RangeError(`${b.where} ends past the end of the file`);
  return decodeBlock(raw, job.codec, b.rows, b.where, inflateHere);
}
