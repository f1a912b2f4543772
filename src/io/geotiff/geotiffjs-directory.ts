/**
 * {@link TiffFile} over geotiff.js, for remote (http/https) GeoTIFFs: geotiff.js fetches and
 * parses their directories with range reads (local files use `local-directory.ts`).
 */
import type { GeoTIFF, GeoTIFFImage } from "geotiff";
import { TilecastError } from "../../errors.js";
import type { TiffDirectory, TiffFile } from "./directory.js";
import { libtiffReads } from "./geotag-rules.js";

/** More images than any real pyramid has: a chain this long is corrupt or hostile. */
export const MAX_IFDS = 1024;

type Loaded = number | string | ArrayLike<number> | undefined;

/** A size as a number, or undefined when the entry holds anything else. */
const numeric = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

class GeotiffJsDirectory implements TiffDirectory {
  readonly #image: GeoTIFFImage;

  constructor(image: GeoTIFFImage) {
    this.#image = image;
  }

  // geotiff.js hands over whatever the entry holds (a string, for an ASCII entry): sizes are
  // numbers or missing, as the local reader has them.
  get width(): number | undefined {
    return numeric(this.#image.getWidth());
  }
  get height(): number | undefined {
    return numeric(this.#image.getHeight());
  }
  get samplesPerPixel(): number | undefined {
    return numeric(this.#image.getSamplesPerPixel());
  }
  get littleEndian(): boolean {
    return this.#image.littleEndian;
  }
  has(tag: number): boolean {
    return this.#image.fileDirectory.hasTag(tag);
  }
  #load(tag: number): Promise<Loaded> {
    return this.has(tag) ? (this.#image.fileDirectory.loadValue(tag) as Promise<Loaded>) : Promise.resolve(undefined);
  }
  async number(tag: number): Promise<number | undefined> {
    const v = await this.#load(tag);
    if (typeof v === "number") return v;
    return typeof v === "object" && v.length > 0 ? Number(v[0]) : undefined;
  }
  async numbers(tag: number): Promise<ArrayLike<number> | undefined> {
    const v = await this.#load(tag);
    const values = typeof v === "number" ? [v] : typeof v === "object" ? v : undefined;
    return values && libtiffReads(tag, null, values.length) ? values : undefined;
  }
  async text(tag: number): Promise<string | undefined> {
    const v = await this.#load(tag);
    return typeof v === "string" ? v : undefined;
  }
  // geotiff.js has already decoded the bytes as UTF-8: text that was not UTF-8 is lost here.
  async ascii(tag: number): Promise<Uint8Array | undefined> {
    const v = await this.text(tag);
    return v === undefined ? undefined : new TextEncoder().encode(v);
  }
}

/**
 * geotiff.js 3 defers a tag's array of values when they lie outside the bytes it first fetched
 * (the block tables of most files, GeoKeys and scales in some) and reads a deferred array as
 * little-endian whatever the file's byte order: a big-endian file's offsets come back
 * byte-swapped. Its directory parser fetches every array at once in the file's own byte order
 * when it is eager, so big-endian files are parsed that way.
 */
function readArraysInByteOrder(tiff: GeoTIFF, path: string): void {
  const parser = (tiff as unknown as { parser?: { eager?: boolean } }).parser;
  if (tiff.littleEndian) return;
  if (!parser || typeof parser.eager !== "boolean")
    throw new TilecastError("E_UNSUPPORTED", "big-endian TIFF: this geotiff.js has no eager directory parser", {
      path,
    });
  parser.eager = true;
}

/** A {@link TiffFile} over a GeoTIFF geotiff.js has opened from `path`. */
export function geotiffJsFile(tiff: GeoTIFF, path: string): TiffFile {
  readArraysInByteOrder(tiff, path);
  const t = tiff as unknown as {
    firstIFDOffset: number;
    bigTiff?: boolean;
    requestIFD(i: number): Promise<{ nextIFDByteOffset: number }>;
  };
  let count: Promise<number> | null = null;
  // Follows the chain of next-IFD offsets with cycle detection: a chain that points back to an
  // IFD already seen (which makes geotiff.js's `getImageCount` loop forever) or runs past
  // MAX_IFDS is an error naming the file.
  const countImages = async (): Promise<number> => {
    const seen = new Set<number>([t.firstIFDOffset]);
    for (let i = 0; i < MAX_IFDS; i++) {
      const next = (await t.requestIFD(i)).nextIFDByteOffset;
      if (!next) return i + 1;
      if (seen.has(next))
        throw new TilecastError(
          "E_FORMAT",
          `IFD ${i} points back to the IFD at byte ${next}: the directory chain loops`,
          {
            path,
          },
        );
      seen.add(next);
    }
    throw new TilecastError("E_TOO_LARGE", `more than ${MAX_IFDS} images (IFDs) in one file`, { path });
  };
  return {
    bigTiff: Boolean(t.bigTiff),
    littleEndian: tiff.littleEndian,
    count: () => {
      count ??= countImages();
      return count;
    },
    image: async (i) => new GeotiffJsDirectory(await tiff.getImage(i)),
    close: () => void tiff.close?.(),
  };
}
