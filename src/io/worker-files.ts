/**
 * File reads for the codec workers ({@link CodecPool}'s threads): synchronous (a worker does one
 * job at a time) and into one scratch buffer the worker keeps, valid until its next read. A fresh
 * buffer per read costs a page fault per 4 KiB on first write, which took longer than the read
 * itself (64 Zarr chunks of 2.3 MB: 120 ms into fresh buffers, 38 ms into one kept buffer).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { checkInputFd, INPUT_FLAGS, isMissing } from "./input-file.js";

/** Reads up to this size land in the scratch buffer; larger ones get a buffer of their own. */
const SCRATCH_MAX = 64 * 1024 * 1024;
let scratch = new Uint8Array(0);

/** Whether `b` lies in the scratch buffer (and must be copied before it is handed on). */
export const inScratch = (b: Uint8Array): boolean => b.buffer === scratch.buffer;

/** `use(fd, size)` on the open file, or null when there is none. */
export function withFile<T>(file: string, use: (fd: number, size: number) => T): T | null {
  let fd: number;
  try {
    fd = openSync(file, INPUT_FLAGS);
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
  try {
    return use(fd, checkInputFd(fd, file).size);
  } finally {
    closeSync(fd);
  }
}

/** Read `fd` from byte `at` into `out` until it is full or the file ends; the bytes read. */
export function readAll(fd: number, out: Uint8Array, at = 0): number {
  let got = 0;
  while (got < out.length) {
    const n = readSync(fd, out, got, out.length - got, at + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** A buffer of `size` bytes: the scratch buffer's start, or one of its own when too large. */
function buffer(size: number): Uint8Array {
  if (size > SCRATCH_MAX) return new Uint8Array(size);
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
  return scratch.subarray(0, size);
}

/** The whole file, or null when there is none. */
export function readFile(file: string): Uint8Array | null {
  return withFile(file, (fd, size) => {
    const out = buffer(size);
    return out.subarray(0, readAll(fd, out));
  });
}

/**
 * `length` bytes at `offset` of the file open as `fd` (fewer where the file ends first). The
 * descriptor is the main thread's (a process's descriptors are shared by its threads), so the
 * bytes are those of the file it opened even if that path has since been replaced.
 */
export function readRange(fd: number, offset: number, length: number): Uint8Array {
  const out = buffer(length);
  return out.subarray(0, readAll(fd, out, offset));
}
