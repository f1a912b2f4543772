/**
 * A GeoTIFF block job on a codec worker ({@link TiffBlockJob}): each block's bytes read from the
 * file and decoded by the reader's own {@link decodeBlock}, with zlib inflating on the worker
 * itself rather than in libuv's pool, straight into the block's place in the job's buffer when
 * it has one.
 */
import { inflateSync, type ZlibOptions } from "node:zlib";
import type { TiffBlockJob, TiffBlockRef } from "../codec-jobs.js";
import { inflateInto } from "../inflate-into.js";
import { readRange } from "../worker-files.js";
import { type BlockCodec, decodeBlock, type Inflate } from "./decode.js";

const inflateHere = async (b: Uint8Array, o: ZlibOptions) => inflateSync(b, o);

/**
 * An inflate into `slot` when the stream fills it exactly, else the usual one, which decodes
 * (or reports) the block as before.
 */
const inflateTo =
  (slot: Uint8Array): Inflate =>
  async (b, o) =>
    inflateInto(b, slot) === slot.length ? slot : inflateSync(b, o);

/** The bytes block `b` decodes to: its rows of samples, at the bytes per sample read. */
const blockSize = (b: TiffBlockRef, c: BlockCodec) => c.width * b.rows * c.spp * c.bytes;

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
 * The job's blocks, decoded, one after another in the job's `into` when it has one (Deflate
 * blocks inflated in place); a single block without one as it decodes, not copied.
 */
export async function decodeBlockJob(job: TiffBlockJob): Promise<Uint8Array> {
  const [only] = job.blocks;
  const into = job.into?.byteLength === job.bytes ? job.into : undefined;
  if (only && job.blocks.length === 1 && !into) return decodeOne(only, blockBytes(job).next().value as Uint8Array, job);
  const out = new Uint8Array(into ?? new ArrayBuffer(job.bytes));
  let at = 0;
  const bytes = blockBytes(job);
  for (const b of job.blocks) {
    const slot = job.codec.stored ? undefined : out.subarray(at, Math.min(at + blockSize(b, job.codec), out.length));
    const decoded = await decodeOne(b, bytes.next().value as Uint8Array, job, slot);
    if (at + decoded.length > out.length) throw new RangeError(`${b.where} decodes past the job's size`);
    if (decoded !== slot) out.set(decoded, at);
    at += decoded.length;
  }
  // `into` is uninitialized memory: none of it may go back unwritten.
  if (at !== out.length) throw new RangeError(`the job's blocks decode to ${at} bytes, not ${out.length}`);
  return out;
}

/** Block `b` decoded: into `slot` (its place in the job's buffer) when its decoder can. */
async function decodeOne(b: TiffBlockRef, raw: Uint8Array, job: TiffBlockJob, slot?: Uint8Array): Promise<Uint8Array> {
  if (raw.length < b.length) throw new RangeError(`${b.where} ends past the end of the file`);
  return decodeBlock(raw, job.codec, b.rows, b.where, slot ? inflateTo(slot) : inflateHere);
}
