/**
 * A read-only zarrita store over a local directory that reads each key with one `read` call.
 * `fs.promises.readFile` reads in 512 KiB pieces, each waiting for the main thread between
 * pieces; while the main thread decodes one chunk, the next chunk's file then advances a piece
 * at a time. One read of the whole file runs in libuv's thread pool while decoding goes on.
 *
 * A small file (a coordinate stored a value a chunk, as xarray's appends leave `time`) is read
 * on the calling thread instead: its four trips through the thread pool (open, stat, read,
 * close) cost far more than the calls themselves, and a 150 000-chunk coordinate took 13-19 s
 * to open. A store whose reads on the calling thread turn out slow (a network file system, a
 * cold disk) goes back to the thread pool.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import { setImmediate as turn } from "node:timers/promises";
import type { AbsolutePath, RangeQuery } from "@zarrita/storage";
import { Semaphore } from "../../util/semaphore.js";
import { checkInputKind, INPUT_FLAGS, isMissing } from "../input-file.js";
import { readAll, withFile } from "../worker-files.js";

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

/** Files up to this size are read on the calling thread. */
const SMALL_FILE = 64 * 1024;
/**
 * The mean time of a read on the calling thread, over about the last 32 reads, past which a store
 * reads in the thread pool. A page-cached file takes some 10 us; a garbage collection during one
 * read takes milliseconds, so one slow read does not decide it.
 */
const SLOW_MS = 1;
/**
 * Reads on the calling thread resolve without the event loop turning: after this many ms of them,
 * a read waits a turn, so timers, signals and sockets are not held up by a read of 10^6 chunks.
 */
const TURN_MS = 20;
let lastTurn = 0;

/**
 * The whole of `file` read on the calling thread: its bytes, undefined when it is missing, or
 * null when it is larger than {@link SMALL_FILE} (read it in the thread pool).
 */
function readSmallSync(file: string): Uint8Array | undefined | null {
  const read = withFile(file, (fd, size) => {
    if (size > SMALL_FILE) return "large";
    const out = new Uint8Array(size);
    const got = readAll(fd, out); // short when the file shrank under us: what is there
    return got === size ? out : out.subarray(0, got);
  });
  return read === "large" ? null : (read ?? undefined);
}

/** A local directory as a zarrita `Readable` store. */
export class LocalStore {
  readonly root: string;
  /** The moving mean of a read's milliseconds on the calling thread ({@link SLOW_MS}). */
  #mean = 0;

  constructor(root: string) {
    this.root = root;
  }

  #path(key: AbsolutePath): string {
    return join(this.root, key.replace(/^\/+/, ""));
  }

  async get(key: AbsolutePath, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array | undefined> {
    opts.signal?.throwIfAborted();
    const file = this.#path(key);
    if (this.#mean <= SLOW_MS) {
      let t0 = performance.now();
      if (t0 - lastTurn > TURN_MS) {
        lastTurn = t0;
        await turn();
        t0 = performance.now();
      }
      const small = readSmallSync(file);
      this.#mean += (performance.now() - t0 - this.#mean) / 32;
      if (small !== null) return small;
    }
    return readBytes(file);
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
