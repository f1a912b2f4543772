/**
 * An open GeoTIFF's windowed reads: the blocks a window touches, from the block cache or decoded
 * (on the codec workers where `off-thread.ts` sends them, else here), copied into the window.
 */
import type { FileHandle } from "node:fs/promises";
import { errorLine, TilecastError } from "../../errors.js";
import { allocate, type TypedArray, viewOf } from "../../grid/dtype.js";
import { createGrid, type Grid, selectBands, windowGeoref } from "../../grid/grid.js";
import { intersect, isEmpty, type Window } from "../../grid/window.js";
import { mapLimit } from "../../util/map-limit.js";
import type { CodecPool, TiffBlockJob } from "../codec-pool.js";
import type { GridSource, ReadOptions } from "../types.js";
import { windowBuffer } from "../window-buffer.js";
import { BlockCache, blockCacheBytes } from "./block-cache.js";
import { copyRows, copySamples, markValid } from "./block-copy.js";
import { type BlockCodec, decodeBlock } from "./decode.js";
import { alphaMasks, type GeoTiffMeta, type Layout } from "./describe.js";
import type { InternalMask } from "./mask.js";
import { type BlockWorkers, blockWorkers, useWorkers } from "./off-thread.js";

export type Fetch = (offset: number, length: number, signal?: AbortSignal) => Promise<Uint8Array>;

/** A {@link Fetch} of the open local file `fh` (`path` names it in errors: a short read is truncation). */
export function fileFetch(fh: FileHandle, path: string): Fetch {
  return async (offset, length) => {
    const buf = Buffer.allocUnsafeSlow(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    if (bytesRead < length)
      throw new TilecastError("E_TRUNCATED", `file is truncated at byte ${offset + bytesRead}`, { path });
    return buf;
  };
}

/** A local file's descriptor, for codec workers to read blocks from (`off-thread.ts`). */
export type Descriptor = number | null;

/** An open GeoTIFF. Create with `openGeoTiff` (`reader.ts`). */
export class GeoTiffSource implements GridSource {
  readonly meta: GeoTiffMeta;
  readonly #layout: Layout;
  readonly #codec: BlockCodec;
  readonly #fetch: Fetch;
  readonly #close: () => Promise<void>;
  /** The workers that may decode this file's blocks (`off-thread.ts`), or null: the main thread does. */
  readonly #workers: BlockWorkers | null;
  readonly #fd: Descriptor;
  /** Blocks the workers are decoding: the file stays open until they are answered. */
  readonly #pending = new Set<Promise<Uint8Array | null>>();
  /** Bytes of a whole decoded block. */
  readonly #blockBytes: number;
  /** How many blocks to fetch and decode at once. */
  concurrency = 8;
  /**
   * Decoded blocks kept for reuse, at most this many bytes (`TILECAST_BLOCK_CACHE_MB`, default
   * 64): overlapping windows and small tiles over large blocks (64 px tiles on GDAL's 512 px
   * blocks) decode each block once instead of once per window. 0 turns it off.
   */
  cacheBytes = blockCacheBytes();
  readonly #cache = new BlockCache();
  /** The file's mask (an image inside it, or its .msk file), or null. */
  readonly #mask: InternalMask | null;
  /** Whether the alpha band masks the others (`alphaMasks`): not with a mask or nodata of its own. */
  readonly #alphaMasks: boolean;

  constructor(
    meta: GeoTiffMeta,
    layout: Layout,
    codec: BlockCodec,
    fetch: Fetch,
    close: () => Promise<void>,
    fd: Descriptor = null,
    mask: InternalMask | null = null,
  ) {
    this.#mask = mask;
    this.#alphaMasks = mask === null && meta.nodata === null && alphaMasks(meta);
    this.meta = meta;
    this.#layout = layout;
    this.#codec = codec;
    this.#fetch = fetch;
    this.#close = close;
    this.#fd = fd;
    this.#blockBytes = meta.blockWidth * meta.blockHeight * codec.spp * codec.bytes;
    this.#workers = blockWorkers(codec, this.#blockBytes, meta.width * meta.height * meta.bands, fd !== null);
  }

  /**
   * Decoded bytes of block (col, row) of sample plane `plane` (0 unless band-interleaved), from
   * the cache when it holds them (shared: callers must not write into them). The bytes may be a
   * view into a larger buffer (a run of small blocks decoded together).
   */
  readBlock(col: number, row: number, plane = 0, signal?: AbortSignal): Promise<Uint8Array> {
    const L = this.#layout;
    const key = this.#key(col, row, plane);
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const w = this.#workers;
    if (useWorkers(w) && this.#fd !== null && w.run > 1 && this.cacheBytes > 0 && Number(L.counts[key] ?? 0) > 0) {
      this.#decodeRun(key, w.pool, this.#fd, w.run, signal);
      const queued = this.#cache.get(key);
      if (queued) return queued;
    }
    const block = this.#decodeBlock(key, signal);
    if (this.cacheBytes <= 0) return block;
    this.#remember(key, block);
    return block;
  }

  /**
   * Queue the runs of small blocks a window needs now, up to half the cache's size, rather than
   * one at a time as the copying reaches them: a run holds 16-64 blocks, so the copying's
   * `concurrency` blocks in flight would otherwise keep one run on the workers at a time.
   */
  #queueRuns(jobs: readonly { col: number; row: number; plane: number }[], signal?: AbortSignal): void {
    const w = this.#workers;
    if (!useWorkers(w) || w.run <= 1 || this.cacheBytes <= 0 || this.#fd === null) return;
    const L = this.#layout;
    for (const j of jobs.slice(0, Math.floor(this.cacheBytes / 2 / this.#blockBytes))) {
      const key = this.#key(j.col, j.row, j.plane);
      // Each block goes in the cache as decoded ahead, until the copying asks for it (and
      // awaits, and reports, it).
      if (!this.#cache.has(key) && Number(L.counts[key] ?? 0) > 0)
        this.#decodeRun(key, w.pool, this.#fd, w.run, signal);
    }
  }

  /** The index of block (col, row) of sample plane `plane`: its place in the layout's offsets. */
  #key(col: number, row: number, plane: number): number {
    const L = this.#layout;
    return plane * L.across * L.down + row * L.across + col;
  }

  /** Keep `block` in the cache under `key`: handed out now, or decoded `ahead` for a later read. */
  #remember(key: number, block: Promise<Uint8Array>, ahead = false): void {
    this.#cache.set(key, this.#blockBytes, block, this.cacheBytes, ahead);
  }

  /** `job` on the workers, tracked until answered: the file stays open until then. */
  #inWorkers(pool: CodecPool, job: TiffBlockJob): Promise<Uint8Array | null> {
    const p = pool.run(job);
    this.#pending.add(p);
    return p.finally(() => this.#pending.delete(p));
  }

  /** Where block `key` is: its column, row and plane, byte range, rows and name. */
  #block(key: number) {
    const { meta } = this;
    const L = this.#layout;
    const inPlane = key % (L.across * L.down);
    const row = Math.floor(inPlane / L.across);
    const rows = meta.tiled ? meta.blockHeight : Math.min(meta.blockHeight, meta.height - row * meta.blockHeight);
    return {
      offset: Number(L.offsets[key] ?? 0),
      length: Number(L.counts[key] ?? 0),
      rows,
      where: meta.tiled ? `tile (${inPlane % L.across}, ${row})` : `strip ${row}`,
      bytes: meta.blockWidth * rows * this.#codec.spp * this.#codec.bytes,
    };
  }

  /**
   * Queue the run of `run` consecutive blocks (aligned, within one sample plane) that holds block
   * `key`, on the workers: each of its blocks not cached and not sparse goes into the cache as a
   * view of the run's bytes. Any block of a run the workers do not deliver decodes here.
   */
  #decodeRun(key: number, pool: CodecPool, fd: number, run: number, signal?: AbortSignal): void {
    const L = this.#layout;
    const perPlane = L.across * L.down;
    const planeStart = key - (key % perPlane);
    const first = key - ((key - planeStart) % run);
    const members: { key: number; at: number; bytes: number }[] = [];
    const blocks = [];
    let total = 0;
    for (let k = first; k < Math.min(first + run, planeStart + perPlane); k++) {
      const b = this.#block(k);
      if (this.#cache.has(k) || b.length === 0) continue;
      members.push({ key: k, at: total, bytes: b.bytes });
      blocks.push({ offset: b.offset, length: b.length, rows: b.rows, where: b.where });
      total += b.bytes;
    }
    const done = this.#inWorkers(pool, { kind: "tiff", fd, codec: this.#codec, blocks, bytes: total });
    for (const m of members)
      this.#remember(
        m.key,
        done.then((bytes) => (bytes ? bytes.subarray(m.at, m.at + m.bytes) : this.#decodeBlock(m.key, signal, false))),
        true,
      );
  }

  /**
   * Decode block `key`: on the workers when they take it (`viaWorkers`), else here, where a
   * block that does not decode is reported naming it.
   */
  async #decodeBlock(key: number, signal?: AbortSignal, viaWorkers = true): Promise<Uint8Array> {
    const { meta } = this;
    const { offset, length, rows, where, bytes } = this.#block(key);
    if (length === 0) {
      // Sparse block (GDAL SPARSE_OK): nodata, or 0 without one.
      const empty = allocate(meta.dtype, meta.blockWidth * rows * this.#codec.spp);
      if (meta.nodata !== null) empty.fill(meta.nodata);
      return new Uint8Array(empty.buffer);
    }
    const w = this.#workers;
    if (viaWorkers && useWorkers(w) && this.#fd !== null) {
      signal?.throwIfAborted();
      const blocks = [{ offset, length, rows, where }];
      const decoded = await this.#inWorkers(w.pool, { kind: "tiff", fd: this.#fd, codec: this.#codec, blocks, bytes });
      if (decoded) return decoded; // else the main thread decodes it, and reports what is wrong
    }
    let raw: Uint8Array;
    try {
      raw = await this.#fetch(offset, length, signal);
    } catch (e) {
      if (e instanceof TilecastError) throw e;
      throw new TilecastError("E_CORRUPT", `cannot read ${where} (${errorLine(e)})`, {
        path: meta.path,
        cause: e,
      });
    }
    try {
      return await decodeBlock(raw, this.#codec, rows, where);
    } catch (e) {
      if (e instanceof TilecastError) throw new TilecastError(e.code, e.problem, { path: meta.path, cause: e });
      throw e;
    }
  }

  async readWindow(w: Window, options: ReadOptions = {}): Promise<Grid> {
    const { meta } = this;
    const buffer = windowBuffer(meta, w, options.bands);
    const { bands, out, inner } = buffer;
    // A file mask or an alpha band needs a mask in every window; cells outside the raster stay as the buffer has them.
    const alpha = this.#alphaMasks && bands.some((b) => b !== meta.alphaBand);
    const masked = this.#mask !== null || alpha;
    const mask = buffer.mask ?? (masked ? new Uint8Array(out.length).fill(1) : null);
    const plane = w.width * w.height;
    if (!isEmpty(inner)) {
      const bw = meta.blockWidth;
      const bh = meta.blockHeight;
      const jobs: { col: number; row: number; plane: number }[] = [];
      const planes = this.#layout.planar === 2 ? bands : [0];
      for (let row = Math.floor(inner.y / bh); row <= Math.floor((inner.y + inner.height - 1) / bh); row++) {
        for (let col = Math.floor(inner.x / bw); col <= Math.floor((inner.x + inner.width - 1) / bw); col++) {
          for (const p of planes) jobs.push({ col, row, plane: p });
        }
      }
      this.#queueRuns(jobs, options.signal);
      await mapLimit(jobs, this.concurrency, async ({ col, row, plane: p }) => {
        options.signal?.throwIfAborted();
        const bytes = await this.readBlock(col, row, p, options.signal);
        const block = viewOf(meta.dtype, bytes.buffer, bytes.byteOffset, bytes.length / this.#codec.bytes);
        const blockWin = { x: col * bw, y: row * bh, width: bw, height: bh };
        const part = intersect(blockWin, inner);
        if (this.#layout.planar === 2) {
          copyRows(block, bw, 1, 0, part, blockWin, out, bands.indexOf(p) * plane, w);
        } else {
          copySamples(block, bw, this.#layout.spp, bands, part, blockWin, out, plane, w);
        }
        if (buffer.mask) for (const i of bands.keys()) markValid(buffer.mask, i * plane, part, w);
      });
      if (this.#mask && mask) await this.#mask.apply(mask, bands.length, w, inner, options.signal);
      if (mask && alpha) await this.#applyAlpha(mask, out, bands, w, options.signal);
    }
    return createGrid(meta.dtype, [bands.length, w.height, w.width], {
      data: out,
      georef: meta.georef ? windowGeoref(meta.georef, w) : null,
      nodata: meta.nodata,
      mask,
      attrs: selectBands(meta.attrs, bands),
    });
  }

  /**
   * Mark the bands other than alpha invalid where the alpha band is 0 (GDAL's mask of an RGBA
   * image): from this window's alpha plane when it was read, else from a read of that band alone
   * (its blocks are in the cache when the image is pixel-interleaved).
   */
  async #applyAlpha(mask: Uint8Array, out: TypedArray, bands: readonly number[], w: Window, signal?: AbortSignal) {
    const alpha = this.meta.alphaBand as number;
    const plane = w.width * w.height;
    const at = bands.indexOf(alpha);
    const a =
      at >= 0
        ? out.subarray(at * plane, (at + 1) * plane)
        : (await this.readWindow(w, signal ? { bands: [alpha], signal } : { bands: [alpha] })).data;
    for (let k = a.indexOf(0); k >= 0; k = a.indexOf(0, k + 1))
      for (let i = 0; i < bands.length; i++) if (i !== at) mask[i * plane + k] = 0;
  }

  async close(): Promise<void> {
    this.#cache.clear();
    await Promise.allSettled(this.#pending); // their reads use the descriptor
    await this.#close();
  }
}
