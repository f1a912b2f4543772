/**
 * Reading entries out of a ZIP archive (a Python wheel) without unpacking all of it: the central
 * directory is parsed once, and an entry is streamed through `inflateRaw` into a file (a 788 MB
 * library never sits in memory) or read whole when small (a header). ZIP64 sizes and offsets
 * are understood; encryption and multi-disk archives are not (wheels use neither).
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { openZip } from "tilecast";
 * const zip = await openZip("tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl");
 * console.log(zip.entries.size);
 * ```
 */
import { createReadStream, createWriteStream } from "node:fs";
import { type FileHandle, open, writeFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createInflateRaw, inflateRawSync } from "node:zlib";
import { TilecastError } from "../../errors.js";

/** One file in the archive. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Where its local header starts. */
  readonly localOffset: number;
}

/** An opened archive: its entries by name. */
export interface Zip {
  readonly path: string;
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /** An entry's bytes (for small entries). */
  read(entry: ZipEntry): Promise<Buffer>;
  /** Stream an entry into the file `dest`. */
  extract(entry: ZipEntry, dest: string): Promise<void>;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const b = Buffer.alloc(length);
  const { bytesRead } = await fh.read(b, 0, length, offset);
  return b.subarray(0, bytesRead);
}

/** Where the central directory starts and how many entries it has (ZIP64 aware). */
async function centralDirectory(
  fh: FileHandle,
  size: number,
  path: string,
): Promise<{ offset: number; count: number }> {
  const tailLen = Math.min(size, 65_557); // EOCD (22) + the longest comment
  const tail = await readAt(fh, size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  if (at < 0) throw new TilecastError("E_FORMAT", "not a ZIP archive (no end of central directory)", { path });
  let count = tail.readUInt16LE(at + 10);
  let offset = tail.readUInt32LE(at + 16);
  if ((offset === 0xffffffff || count === 0xffff) && at >= 20 && tail.readUInt32LE(at - 20) === EOCD64_LOCATOR) {
    const rec = await readAt(fh, Number(tail.readBigUInt64LE(at - 20 + 8)), 56);
    if (rec.readUInt32LE(0) !== EOCD64) throw new TilecastError("E_CORRUPT", "broken ZIP64 directory record", { path });
    count = Number(rec.readBigUInt64LE(32));
    offset = Number(rec.readBigUInt64LE(48));
  }
  return { offset, count };
}

/** The ZIP64 extra field's values for the fields that overflowed, in their fixed order. */
function zip64(extra: Buffer, need: { size: boolean; compressed: boolean; offset: boolean }): number[] {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    if (id === 1) {
      const out: number[] = [];
      let p = i + 4;
      for (const want of [need.size, need.compressed, need.offset])
        if (want) {
          out.push(Number(extra.readBigUInt64LE(p)));
          p += 8;
        }
      return out;
    }
    i += 4 + len;
  }
  return [];
}

/** Open the archive at `path` and list its entries. */
export async function openZip(path: string): Promise<Zip> {
  const fh = await open(path, "r").catch((e: NodeJS.ErrnoException) => {
    throw new TilecastError(e.code === "ENOENT" ? "E_NOT_FOUND" : "E_FORMAT", `cannot open (${e.code ?? e.message})`, {
      path,
    });
  });
  try {
    const { size } = await fh.stat();
    const { offset, count } = await centralDirectory(fh, size, path);
    const dir = await readAt(fh, offset, size - offset);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL)
        throw new TilecastError("E_CORRUPT", `ZIP central directory entry ${n} is broken`, { path });
      const nameLen = dir.readUInt16LE(p + 28);
      const extraLen = dir.readUInt16LE(p + 30);
      const commentLen = dir.readUInt16LE(p + 32);
      const name = dir.toString("utf8", p + 46, p + 46 + nameLen);
      let compressedSize = dir.readUInt32LE(p + 20);
      let entrySize = dir.readUInt32LE(p + 24);
      let localOffset = dir.readUInt32LE(p + 42);
      const need = {
        size: entrySize === 0xffffffff,
        compressed: compressedSize === 0xffffffff,
        offset: localOffset === 0xffffffff,
      };
      if (need.size || need.compressed || need.offset) {
        const v = zip64(dir.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), need);
        if (need.size) entrySize = v.shift() ?? entrySize;
        if (need.compressed) compressedSize = v.shift() ?? compressedSize;
        if (need.offset) localOffset = v.shift() ?? localOffset;
      }
      entries.set(name, { name, method: dir.readUInt16LE(p + 10), compressedSize, size: entrySize, localOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
    await fh.close();
    return zipReader(path, entries);
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}

function zipReader(path: string, entries: Map<string, ZipEntry>): Zip {
  /** Where an entry's data starts (after its local header). */
  const dataStart = async (e: ZipEntry): Promise<number> => {
    const fh = await open(path, "r");
    try {
      const h = await readAt(fh, e.localOffset, 30);
      if (h.length < 30 || h.readUInt32LE(0) !== LOCAL)
        throw new TilecastError("E_CORRUPT", `ZIP entry ${e.name}: broken local header`, { path });
      return e.localOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
    } finally {
      await fh.close();
    }
  };
  const checkMethod = (e: ZipEntry) => {
    if (e.method !== 0 && e.method !== 8)
      throw new TilecastError("E_UNSUPPORTED", `ZIP entry ${e.name}: compression method ${e.method}`, { path });
  };
  return {
    path,
    entries,
    async read(e) {
      checkMethod(e);
      const fh = await open(path, "r");
      try {
        const raw = await readAt(fh, await dataStart(e), e.compressedSize);
        const out = e.method === 8 ? inflateRawSync(raw) : raw;
        if (out.length !== e.size) throw new TilecastError("E_CORRUPT", `ZIP entry ${e.name}: size differs`, { path });
        return out;
      } finally {
        await fh.close();
      }
    },
    async extract(e, dest) {
      checkMethod(e);
      if (e.compressedSize === 0) return writeFile(dest, "");
      const start = await dataStart(e);
      const src = createReadStream(path, { start, end: start + e.compressedSize - 1 });
      const out = createWriteStream(dest, { mode: 0o755 });
      if (e.method === 8) await pipeline(src, createInflateRaw(), out);
      else await pipeline(src, out);
    },
  };
}
