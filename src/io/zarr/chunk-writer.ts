/**
 * Writing the chunks of one `(band, y, x)` variable: each block of the raster becomes one chunk per
 * band (edge chunks padded with the fill value), compressed and written to a temporary key that
 * is renamed into place. The compressed chunks are the block's stored form (`GridSink.stored`).
 */
import { errorLine, TilecastError } from "../../errors.js";
import { type BlockGrid, blockWindow } from "../../grid/block-grid.js";
import { allocate, DTYPE_INFO, type DType, fitsDtype, viewOf } from "../../grid/dtype.js";
import type { Grid } from "../../grid/grid.js";
import { bitsOf, float32Bits } from "../../util/float-bits.js";
import { discard } from "../atomic.js";
import { encodeHandedOver, spareBuffers } from "../encode-off-thread.js";
import type { GridSink, StoredBlocks } from "../types.js";
import { type Compressor, encodeChunk } from "./codecs.js";
import { type BandArray, bandChunkKey, jsonFill } from "./metadata.js";
import { writeKey } from "./store-write.js";

/**
 * Encode one band of a block as a full chunk (edge chunks padded with the fill value), in
 * `reuse` (any contents) or in fresh memory.
 */
export function chunkBytes(
  g: Grid,
  band: number,
  chunkH: number,
  chunkW: number,
  dtype: DType,
  fill: number,
  reuse: ArrayBuffer | null = null,
): Uint8Array {
  const [, h, w] = g.shape as [number, number, number];
  const out = reuse ? viewOf(dtype, reuse) : allocate(dtype, chunkH * chunkW);
  // Only edge chunks have padding; fresh memory holds zeros already.
  if ((h < chunkH || w < chunkW) && (fill !== 0 || reuse)) out.fill(fill);
  const mask = g.mask;
  if (mask) {
    // float32 cells as their bits (float-bits.ts): NaN payloads are kept.
    const bits = out instanceof Float32Array && g.data instanceof Float32Array;
    const [o, d, f] = bits ? [bitsOf(out), bitsOf(g.data), float32Bits(fill)] : [out, g.data, fill];
    for (let y = 0; y < h; y++) {
      const s = band * h * w + y * w;
      for (let x = 0; x < w; x++) o[y * chunkW + x] = mask[s + x] ? (d[s + x] as number) : f;
    }
  } else
    for (let y = 0; y < h; y++) {
      const s = band * h * w + y * w;
      out.set(g.data.subarray(s, s + w) as never, y * chunkW);
    }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * One band of a block as a compressed chunk (see {@link chunkBytes}): made in a buffer a codec
 * worker handed back when there is one, and compressed on a worker (`encodeHandedOver`).
 */
export function encodedChunk(
  g: Grid,
  band: number,
  chunkH: number,
  chunkW: number,
  dtype: DType,
  fill: number,
  compressor: Compressor | null,
): Promise<Uint8Array> {
  const typesize = DTYPE_INFO[dtype].bytes;
  if (compressor === null) return Promise.resolve(chunkBytes(g, band, chunkH, chunkW, dtype, fill));
  const input = chunkBytes(g, band, chunkH, chunkW, dtype, fill, spareBuffers.take(chunkH * chunkW * typesize));
  return encodeHandedOver(
    { kind: "encode", codec: "chunk", input, level: 0, chunk: { compressor, typesize } },
    (bytes) => encodeChunk(bytes, compressor, typesize),
    () => chunkBytes(g, band, chunkH, chunkW, dtype, fill),
  );
}

/** Writes chunks of one `(band, y, x)` variable, or of each band's own (`array.place`), into a store directory. */
export class ZarrChunkWriter implements GridSink {
  readonly blockGrid: BlockGrid;
  #done = false;
  #stored: StoredBlocks | null = null;

  constructor(
    readonly root: string,
    readonly target: string,
    readonly format: 2 | 3,
    readonly array: BandArray,
    grid: BlockGrid,
    readonly finish: (() => Promise<void>) | null,
  ) {
    this.blockGrid = grid;
  }

  async writeBlock(col: number, row: number, g: Grid): Promise<void> {
    await this.#put(col, row, await this.#pieces(col, row, g));
  }

  /** Blocks as this store keeps them: one compressed chunk per band. */
  get stored(): StoredBlocks {
    this.#stored ??= {
      form: JSON.stringify({
        format: "Zarr",
        zarr: this.format,
        dtype: this.array.dtype,
        bands: this.array.bands,
        fill: jsonFill(this.array.fillValue),
        compressor: this.array.compressor,
        chunk: [this.blockGrid.blockHeight, this.blockGrid.blockWidth],
      }),
      pieces: this.array.bands,
      writeBlock: async (col, row, g) => {
        const pieces = await this.#pieces(col, row, g);
        await this.#put(col, row, pieces);
        return pieces;
      },
      encodeBlock: (col, row, g) => this.#pieces(col, row, g),
      putBlock: (col, row, pieces) => this.#put(col, row, pieces),
    };
    return this.#stored;
  }

  /** A block's chunks, one per band, compressed. */
  async #pieces(col: number, row: number, g: Grid): Promise<Uint8Array[]> {
    const win = blockWindow(this.blockGrid, col, row);
    const [bands, h, w] = g.shape as [number, number, number];
    if (bands !== this.array.bands || h !== win.height || w !== win.width) {
      throw new TilecastError(
        "E_WRITE",
        `block (${col}, ${row}) has shape ${g.shape.join("x")}, expected ${this.array.bands}x${win.height}x${win.width}`,
        { path: this.target },
      );
    }
    const { dtype, fillValue, compressor } = this.array;
    const fill = fillValue !== null && fitsDtype(fillValue, dtype) ? fillValue : 0;
    const pieces: Uint8Array[] = [];
    try {
      // The bands' chunks are compressed at once, on as many workers.
      const { blockHeight, blockWidth } = this.blockGrid;
      const all = Array.from({ length: bands }, (_, b) =>
        encodedChunk(g, b, blockHeight, blockWidth, dtype, fill, compressor),
      );
      pieces.push(...(await Promise.all(all)));
    } catch (e) {
      if (e instanceof TilecastError) throw e;
      throw new TilecastError("E_WRITE", `cannot write chunk (${errorLine(e)})`, { path: this.target, cause: e });
    }
    return pieces;
  }

  /** Write a block's chunks, one per band. */
  async #put(col: number, row: number, pieces: readonly Uint8Array[]): Promise<void> {
    if (pieces.length !== this.array.bands)
      throw new TilecastError(
        "E_WRITE",
        `stored block (${col}, ${row}) has ${pieces.length} pieces, not ${this.array.bands}`,
        { path: this.target },
      );
    try {
      for (const [b, bytes] of pieces.entries())
        await writeKey(this.root, this.target, bandChunkKey(this.format, this.array, b, row, col), bytes);
    } catch (e) {
      if (e instanceof TilecastError) throw e;
      throw new TilecastError("E_WRITE", `cannot write chunk (${errorLine(e)})`, { path: this.target, cause: e });
    }
  }

  async commit(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await this.finish?.();
    } catch (e) {
      await this.abort();
      // A key's error already names this store (store-write.ts): its problem alone, then.
      const why = e instanceof TilecastError && e.path === this.target ? e.problem : errorLine(e);
      throw new TilecastError("E_WRITE", `cannot finish the store (${why})`, { path: this.target, cause: e });
    }
  }

  async abort(): Promise<void> {
    if (this.finish && this.root !== this.target) await discard(this.root);
  }
}
