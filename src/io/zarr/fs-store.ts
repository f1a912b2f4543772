/**
 * A read-only zarrita store over a local directory that reads each key with one `read` call.
 * `fs.promises.readFile` reads in 512 KiB pieces, each waiting for the main thread between
 * pieces; while the main thread decodes one chunk, the next chunk's file then advances a piece
 * at a time. One read of the whole file runs in libuv's thread pool while decoding goes on.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { AbsolutePath, RangeQuery } from "@zarrita/storage";
import { Semaphore } from "../../util/semaphore.js";
import { checkInputKind, INPUT_FLAGS } from "../input-file.js";

/** True for "no such file": a missing key reads as undefined (a missing chunk is fill_value). */
export function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * Files open at once for chunk reads, across every store of the process. Callers start reads
 * without bound (a window whose bands are 3000 one-step chunks reads them all at once); past
 * the process's open-file limit each further open failed with EMFILE.
 */
const OPEN_FILES = new Semaphore(128);

/** Read `length` bytes at `position` (or the whole file when length is undefined). */
async function readBytes(file: string, range?: { offset: number; length: number } | { suffix: number }) {
  await OPEN_FILES.acquire();
  try {
    return await readOpen(file, range);
  } finally {
    OPEN_FILES.release();
  }
}

async function readOpen(file: string, range?: { offset: number; length: number } | { suffix: number }) {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, INPUT_FLAGS);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  try {
    let offset = 0;
    let length: number;
    const st = await fh.stat();
    checkInputKind(st, file, true);
    const size = st.size;
    if (range && "offset" in range) {
      ({ offset, length } = range);
      // A shard index's entry is a range: one past the end is a corrupt index, refused before
      // anything is allocated for it (a lying length asked for terabytes).
      if (!(offset >= 0 && length >= 0 && offset + length <= size))
        throw new RangeError(`bytes ${offset} to ${offset + length} lie past the end of the ${size}-byte file`);
    } else {
      length = range ? Math.min(range.suffix, size) : size;
      offset = size - length;
    }
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(out, got, length - got, offset + got);
      if (bytesRead === 0) break; // the file shrank under us: return what is there
      got += bytesRead;
    }
    return got === length ? out : out.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** A local directory as a zarrita `Readable` store. */
export class LocalStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  #path(key: AbsolutePath): string {
    return join(this.root, key.replace(/^\/+/, ""));
  }

  async get(key: AbsolutePath, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array | undefined> {
    opts.signal?.throwIfAborted();
    return readBytes(this.#path(key));
  }

  async getRange(
    key: AbsolutePath,
    range: RangeQuery,
    opts: { signal?: AbortSignal } = {},
  ): Promise<Uint8Array | undefined> {
    opts.signal?.throwIfAborted();
    const r = "suffixLength" in range ? { suffix: range.suffixLength } : range;
    return readBytes(this.#path(key), r);
  }
}
