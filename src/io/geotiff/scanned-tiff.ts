/**
 * {@link TiffFile} over a TIFF, local or remote (`tiff-bytes.ts`), from the checked scan of its
 * directory chain (`ifd-scan.ts`): values come from the entries the scan kept (inline) or are read
 * from the file when first asked for, in the file's byte order, classic and BigTIFF alike. One
 * parser for both, so a file reads the same, or is refused in the same words, wherever it lies.
 * No third-party parser: geotiff.js (about 80 ms to import) is loaded only for the codecs it
 * decodes.
 */
import type { FileHandle } from "node:fs/promises";
import { checkBudget } from "../../util/budget.js";
import { openInputFile } from "../input-file.js";
import type { TiffDirectory, TiffFile } from "./directory.js";
import { libtiffReads } from "./geotag-rules.js";
import { readHeader, type TiffHeader } from "./header.js";
import {
  decodeValues,
  type FirstImage,
  type Scan,
  type ScannedEntry,
  type ScannedIfd,
  scanIfds,
  TYPE_BYTES,
} from "./ifd-scan.js";
import { fileBytes, type TiffBytes } from "./tiff-bytes.js";
import { decodeTiffText } from "./tiff-text.js";

const ASCII = 2;

class ScannedDirectory implements TiffDirectory {
  readonly #entries: ScannedIfd;
  readonly #file: TiffBytes;
  readonly #path: string;
  readonly littleEndian: boolean;
  readonly #bytes = new Map<number, Promise<DataView>>();

  constructor(entries: ScannedIfd, file: TiffBytes, littleEndian: boolean, path: string) {
    this.#entries = entries;
    this.#file = file;
    this.littleEndian = littleEndian;
    this.#path = path;
  }

  /** A size tag's value: one BYTE, SHORT or LONG (LONG8 in BigTIFF), always inline; undefined otherwise. */
  #size(tag: number): number | undefined {
    const e = this.#entries.get(tag);
    if (!e || e.count !== 1 || e.inline === null || e.type === ASCII) return undefined;
    return decodeValues(new DataView(e.inline.buffer), e.type, 1, this.littleEndian)[0];
  }
  get width(): number | undefined {
    return this.#size(256);
  }
  get height(): number | undefined {
    return this.#size(257);
  }
  get samplesPerPixel(): number | undefined {
    return this.has(277) ? this.#size(277) : 1;
  }
  has(tag: number): boolean {
    return this.#entries.has(tag);
  }

  /** The value bytes of entry `e` of `tag` (read from the file once, when they are not inline). */
  #valueBytes(tag: number, e: ScannedEntry): Promise<DataView> {
    if (e.inline) return Promise.resolve(new DataView(e.inline.buffer));
    // The scan bounded the bytes by the file's size; decoded, each value takes 8 bytes.
    checkBudget(e.count * 8, `the ${e.count} values of TIFF tag ${tag}`, this.#path);
    let got = this.#bytes.get(tag);
    if (!got) {
      const n = e.count * (TYPE_BYTES[e.type] as number);
      got = this.#file.read(e.at, n).then((v) => {
        if (v.byteLength < n) throw new RangeError(`tag ${tag}: ${v.byteLength} of its ${n} value bytes could be read`);
        return v;
      });
      this.#bytes.set(tag, got);
    }
    return got;
  }
  async numbers(tag: number): Promise<ArrayLike<number> | undefined> {
    const e = this.#entries.get(tag);
    if (!e || e.type === ASCII || !libtiffReads(tag, e.type, e.count)) return undefined;
    return decodeValues(await this.#valueBytes(tag, e), e.type, e.count, this.littleEndian);
  }
  async number(tag: number): Promise<number | undefined> {
    const e = this.#entries.get(tag);
    if (!e || e.type === ASCII || e.count === 0) return undefined;
    return decodeValues(await this.#valueBytes(tag, e), e.type, 1, this.littleEndian)[0];
  }
  async ascii(tag: number): Promise<Uint8Array | undefined> {
    const e = this.#entries.get(tag);
    if (!e || e.type !== ASCII) return undefined;
    const v = await this.#valueBytes(tag, e);
    return new Uint8Array(v.buffer, v.byteOffset, e.count);
  }
  async text(tag: number): Promise<string | undefined> {
    const bytes = await this.ascii(tag);
    return bytes && decodeTiffText(bytes);
  }
}

/**
 * A {@link TiffFile} over the TIFF at `path`, whose bytes are `file` and whose header and scan were
 * read from them. A tag whose values would decode past the memory budget is E_TOO_LARGE, naming
 * the file.
 */
export function scannedTiffFile(file: TiffBytes, header: TiffHeader, scan: Scan, path: string): TiffFile {
  const images = scan.ifds.map((entries) => new ScannedDirectory(entries, file, header.littleEndian, path));
  return {
    bigTiff: header.bigTiff,
    littleEndian: header.littleEndian,
    count: () => Promise.resolve(images.length),
    image: (i) => {
      const image = images[i];
      return image
        ? Promise.resolve(image)
        : Promise.reject(new RangeError(`no image ${i} (the file has ${images.length})`));
    },
    close: () => {},
  };
}

/** A local TIFF opened for reading: its handle, header, directory chain and first image. */
export interface LocalTiff {
  fh: FileHandle;
  header: TiffHeader;
  file: TiffFile;
  first: FirstImage;
}

/**
 * Open the local TIFF at `path`: its header and whole directory chain are read and checked.
 *
 * @throws TilecastError naming the file: E_NOT_FOUND, E_FORMAT, E_TRUNCATED or E_TOO_LARGE.
 */
export async function openLocalTiff(path: string): Promise<LocalTiff> {
  const header = await readHeader(path);
  const fh = await openInputFile(path);
  try {
    const bytes = fileBytes(fh, header.size);
    const scan = await scanIfds(bytes, header, path);
    return { fh, header, file: scannedTiffFile(bytes, header, scan, path), first: scan.first };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
