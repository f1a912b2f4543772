/**
 * GDAL's internal masks: a GeoTIFF's per-dataset validity mask, kept in an image of its own
 * (NewSubfileType 4, PhotometricInterpretation 4, one sample of 1 bit, usually deflated) next to
 * the data it masks. GDAL writes one for `CreateMaskBand(GMF_PER_DATASET)`, `gdal_translate
 * -mask`, and JPEG-compressed orthophotos whose black collars must not read as data
 * (`GDAL_TIFF_INTERNAL_MASK=YES`). A cell the mask holds 0 is invalid in every band, as GDAL's
 * `GetMaskBand` says; the data values under it are whatever the writer left (often 0).
 *
 * The mask's blocks are decoded by the reader's own decoder (1-bit samples widen to 0 and 1) and
 * kept in a small cache: overlapping windows ask for the same blocks.
 */
import { TilecastError } from "../../errors.js";
import { intersect, isEmpty, type Window } from "../../grid/window.js";
import { type BlockCodec, decodeBlock } from "./decode.js";
import { describeImage, type Layout } from "./describe.js";
import type { TiffDirectory, TiffFile } from "./directory.js";
import type { TiffHeader } from "./header.js";
import type { Fetch } from "./source.js";
import { Tag } from "./tags.js";

/** The mask image's height and blocks. */
interface MaskSize {
  height: number;
  blockWidth: number;
  blockHeight: number;
  tiled: boolean;
}

/** Decoded mask blocks kept, in bytes (one byte a cell). */
const CACHE_BYTES = 16 * 1024 * 1024;

/** A GeoTIFF's internal mask, applied to windows read from its data. */
export class InternalMask {
  readonly #layout: Layout;
  readonly #codec: BlockCodec;
  readonly #fetch: Fetch;
  readonly #size: MaskSize;
  readonly #cache = new Map<number, Promise<Uint8Array | null>>();
  readonly #keep: number;
  readonly #path: string;

  constructor(path: string, layout: Layout, codec: BlockCodec, fetch: Fetch, size: MaskSize) {
    this.#path = path;
    this.#layout = layout;
    this.#codec = codec;
    this.#fetch = fetch;
    this.#size = size;
    this.#keep = Math.max(4, Math.floor(CACHE_BYTES / (size.blockWidth * size.blockHeight)));
  }

  /**
   * Clear in `mask` (`bands` planes over window `w`, 1 valid) every cell of `inner` (the part of
   * `w` inside the raster) that the file's mask marks invalid.
   */
  async apply(mask: Uint8Array, bands: number, w: Window, inner: Window, signal?: AbortSignal): Promise<void> {
    if (isEmpty(inner)) return;
    const { blockWidth: bw, blockHeight: bh } = this.#size;
    const plane = w.width * w.height;
    for (let row = Math.floor(inner.y / bh); row <= Math.floor((inner.y + inner.height - 1) / bh); row++) {
      for (let col = Math.floor(inner.x / bw); col <= Math.floor((inner.x + inner.width - 1) / bw); col++) {
        signal?.throwIfAborted();
        const block = await this.#block(col, row);
        if (block === null) continue; // nothing masked in this block
        const part = intersect({ x: col * bw, y: row * bh, width: bw, height: bh }, inner);
        for (let y = part.y; y < part.y + part.height; y++) {
          const from = (y - row * bh) * bw + (part.x - col * bw);
          const cells = block.subarray(from, from + part.width);
          const to = (y - w.y) * w.width + (part.x - w.x);
          // Most rows are all valid: indexOf finds the invalid cells, if any, without a JS loop.
          for (let i = cells.indexOf(0); i >= 0; i = cells.indexOf(0, i + 1))
            for (let b = 0; b < bands; b++) mask[b * plane + to + i] = 0;
        }
      }
    }
  }

  /** Block (col, row) of the mask, one byte a cell (0 or 1), or null when no cell of it is 0: cached, or decoded. */
  #block(col: number, row: number): Promise<Uint8Array | null> {
    const key = row * this.#layout.across + col;
    const hit = this.#cache.get(key);
    if (hit) {
      this.#cache.delete(key); // most recently used last
      this.#cache.set(key, hit);
      return hit;
    }
    const block = this.#decode(col, row, key);
    this.#cache.set(key, block);
    block.catch(() => this.#cache.delete(key));
    if (this.#cache.size > this.#keep) this.#cache.delete(this.#cache.keys().next().value as number);
    return block;
  }

  async #decode(col: number, row: number, key: number): Promise<Uint8Array | null> {
    const { height, blockWidth: bw, blockHeight: bh, tiled } = this.#size;
    const rows = tiled ? bh : Math.min(bh, height - row * bh);
    const where = tiled ? `mask tile (${col}, ${row})` : `mask strip ${row}`;
    const length = Number(this.#layout.counts[key] ?? 0);
    // A block the file leaves out (sparse) reads as zeros, as libtiff hands it to GDAL: all masked.
    const cells = new Uint8Array(bw * bh);
    if (length > 0) {
      const raw = await this.#fetch(Number(this.#layout.offsets[key] ?? 0), length);
      try {
        cells.set((await decodeBlock(raw, this.#codec, rows, where)).subarray(0, bw * rows));
      } catch (e) {
        if (e instanceof TilecastError) throw new TilecastError(e.code, e.problem, { path: this.#path, cause: e });
        throw e;
      }
    }
    return cells.subarray(0, bw * rows).indexOf(0) < 0 ? null : cells; // null: nothing masked
  }
}

/**
 * The internal mask of image 0 of `file`, or null when it has none: the first image after it
 * that is a full-resolution transparency mask of the same size.
 */
export async function findInternalMask(
  path: string,
  file: TiffFile,
  size: { width: number; height: number },
  header: TiffHeader,
  fetch: Fetch,
): Promise<InternalMask | null> {
  const count = await file.count();
  for (let i = 1; i < count; i++) {
    const image = await file.image(i);
    const type = (await image.number(Tag.NewSubfileType)) ?? 0;
    const photometric = await image.number(Tag.Photometric);
    if (type !== 4 || photometric !== 4) continue;
    if (image.width !== size.width || image.height !== size.height || image.samplesPerPixel !== 1) continue;
    return maskOf(path, file, image, header, fetch, `internal mask (image ${i})`);
  }
  return null;
}

/**
 * The mask in `image` of `file` (a 1-band image of the data's size), read through `fetch`; a
 * problem describing it is an error naming `what` and the file.
 */
export async function maskOf(
  path: string,
  file: TiffFile,
  image: TiffDirectory,
  header: TiffHeader,
  fetch: Fetch,
  what: string,
): Promise<InternalMask> {
  let described: Awaited<ReturnType<typeof describeImage>>;
  try {
    described = await describeImage(path, file, image, header, false);
  } catch (e) {
    if (e instanceof TilecastError) throw new TilecastError(e.code, `${what}: ${e.problem}`, { path, cause: e });
    throw e;
  }
  const { meta, layout, codec } = described;
  return new InternalMask(path, layout, codec, fetch, {
    height: meta.height,
    blockWidth: meta.blockWidth,
    blockHeight: meta.blockHeight,
    tiled: meta.tiled,
  });
}
