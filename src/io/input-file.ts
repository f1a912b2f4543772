/**
 * Opening the files tilecast reads (rasters, store chunks, sidecars). A named pipe with no writer
 * blocks `open()` for ever in libuv's thread pool, and Node cannot exit while a pool thread is
 * blocked: `tilecast inspect fifo.tif` hung, and SIGTERM did not end it (only SIGKILL did); a
 * store's chunk or a GeoTIFF's `.aux.xml` that was a pipe did the same. Inputs are opened
 * without blocking (`O_NONBLOCK`, which regular files ignore), and anything but a regular file
 * (or, where a caller takes one, a directory) is refused naming what it is.
 *
 * Internal (the GeoTIFF and Zarr readers, the codec workers, sidecars).
 */
import { constants, fstatSync, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { TilecastError } from "../errors.js";

/** Read-only, without waiting for a pipe's writer. */
export const INPUT_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** True for "no such file" (a missing Zarr key reads as undefined: a missing chunk is fill_value). */
export function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** What `st` is when it is neither a regular file nor a directory, else null. */
function oddKind(st: Stats): string | null {
  if (st.isFile() || st.isDirectory()) return null;
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/**
 * Throw, naming `path`, when `st` is neither a regular file nor a directory. `inner`: `path` is a
 * file inside a store, whose errors are told under the store's name, so the problem names it too.
 */
export function checkInputKind(st: Stats, path: string, inner = false): void {
  const kind = oddKind(st);
  if (kind)
    throw new TilecastError(
      "E_FORMAT",
      `${inner ? path : "this"} is ${kind}, not a file: tilecast reads by seeking in files; copy it into one first`,
      { path },
    );
}

/** `path` opened to read (see the module documentation); errors from `open` pass unchanged. */
export async function openInputFile(path: string): Promise<FileHandle> {
  const fh = await open(path, INPUT_FLAGS);
  try {
    checkInputKind(await fh.stat(), path);
    return fh;
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** The synchronous form, for the codec workers: the descriptor and the file's stats. */
export function checkInputFd(fd: number, path: string): Stats {
  const st = fstatSync(fd);
  checkInputKind(st, path, true);
  return st;
}

/** The whole of a file tilecast reads (a model's, a statistics file), opened as inputs are. */
export async function readInput(path: string): Promise<Buffer>;
export async function readInput(path: string, encoding: "utf8"): Promise<string>;
export async function readInput(path: string, encoding?: "utf8"): Promise<Buffer | string> {
  const fh = await openInputFile(path);
  try {
    return encoding ? await fh.readFile(encoding) : await fh.readFile();
  } finally {
    await fh.close();
  }
}
