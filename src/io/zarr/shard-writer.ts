/**
 * Writing one `(band, y, x)` variable (or each band where `array.place` puts it) as Zarr v3 shards (`sharding_indexed`): many small chunks
 * in one object, the layout large archives move to. Blocks arrive as inner chunks, in any order;
 * each is compressed at once and held (compressed) until every chunk of its shard has arrived,
 * then the shard is written in one piece: the chunks in C order, then the index of
 * `(offset, length)` pairs as little-endian uint64 with its CRC-32C, as zarr-python and
 * tensorstore write it. Chunks never written are marked empty (2^64 - 1) and read as fill.
 * Memory holds the compressed chunks of unfinished shards: about one row of shards when blocks
 * arrive in row-major order.
 */
import { errorLine, TilecastError } from "../../errors.js";
import { type BlockGrid, blockWindow } from "../../grid/block-grid.js";
import { fitsDtype } from "../../grid/dtype.js";
import type { Grid } from "../../grid/grid.js";
import { discard } from "../atomic.js";
import type { GridSink } from "../types.js";
import { encodedChunk } from "./chunk-writer.js";
import { crc32c } from "./crc32c.js";
import { type BandArray, bandChunkKey } from "./metadata.js";
import { writeKey } from "./store-write.js";

interface PendingShard {
  chunks: (Uint8Array | undefined)[];
  got: number;
  need: number;
}

/** Writes a variable as shards of `per x per` inner chunks; see the module documentation. */
export class ShardWriter implements GridSink {
  readonly blockGrid: BlockGrid;
  readonly #pending = new Map<string, PendingShard>();
  readonly #written = new Set<number>();
  #done = false;

  constructor(
    readonly root: string,
    readonly target: string,
    readonly array: BandArray,
    grid: BlockGrid,
    /** Inner chunks per shard along y and x. */
    readonly per: number,
    readonly finish: () => Promise<void>,
  ) {
    this.blockGrid = grid;
  }

  /** How many inner chunks of shard (sr, sc) lie in the array. */
  #chunksIn(sr: number, sc: number): number {
    const { cols, rows } = this.blockGrid;
    const p = this.per;
    return (Math.min(rows, (sr + 1) * p) - sr * p) * (Math.min(cols, (sc + 1) * p) - sc * p);
  }

  async writeBlock(col: number, row: number, g: Grid): Promise<void> {
    const win = blockWindow(this.blockGrid, col, row);
    const [bands, h, w] = g.shape as [number, number, number];
    if (bands !== this.array.bands || h !== win.height || w !== win.width)
      throw new TilecastError(
        "E_WRITE",
        `block (${col}, ${row}) has shape ${g.shape.join("x")}, expected ${this.array.bands}x${win.height}x${win.width}`,
        { path: this.target },
      );
    const index = row * this.blockGrid.cols + col;
    if (this.#written.has(index))
      throw new TilecastError("E_WRITE", `block (${col}, ${row}) written twice`, { path: this.target });
    this.#written.add(index);
    const { dtype, fillValue, compressor } = this.array;
    const fill = fillValue !== null && fitsDtype(fillValue, dtype) ? fillValue : 0;
    const { blockWidth, blockHeight } = this.blockGrid;
    const sr = Math.floor(row / this.per);
    const sc = Math.floor(col / this.per);
    const slot = (row % this.per) * this.per + (col % this.per);
    try {
      for (let b = 0; b < bands; b++) {
        const bytes = await encodedChunk(g, b, blockHeight, blockWidth, dtype, fill, compressor);
        const key = `${b}/${sr}/${sc}`;
        let s = this.#pending.get(key);
        if (!s) {
          s = { chunks: new Array(this.per * this.per), got: 0, need: this.#chunksIn(sr, sc) };
          this.#pending.set(key, s);
        }
        s.chunks[slot] = bytes;
        if (++s.got === s.need) {
          this.#pending.delete(key);
          await this.#writeShard(b, sr, sc, s);
        }
      }
    } catch (e) {
      if (e instanceof TilecastError) throw e;
      throw new TilecastError("E_WRITE", `cannot write shard (${errorLine(e)})`, { path: this.target, cause: e });
    }
  }

  async #writeShard(band: number, sr: number, sc: number, s: PendingShard): Promise<void> {
    const n = this.per * this.per;
    const dataBytes = s.chunks.reduce((t, c) => t + (c?.length ?? 0), 0);
    const out = new Uint8Array(dataBytes + n * 16 + 4);
    const index = new DataView(out.buffer, dataBytes, n * 16);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const c = s.chunks[i];
      if (!c) {
        index.setBigUint64(i * 16, 0xffffffffffffffffn, true);
        index.setBigUint64(i * 16 + 8, 0xffffffffffffffffn, true);
        continue;
      }
      out.set(c, at);
      index.setBigUint64(i * 16, BigInt(at), true);
      index.setBigUint64(i * 16 + 8, BigInt(c.length), true);
      at += c.length;
    }
    const crc = crc32c(out.subarray(dataBytes, dataBytes + n * 16));
    new DataView(out.buffer).setUint32(dataBytes + n * 16, crc, true);
    await writeKey(this.root, this.target, bandChunkKey(3, this.array, band, sr, sc), out);
  }

  async commit(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      // Shards with chunks never written: the missing chunks read as fill.
      for (const [key, s] of this.#pending) {
        const [b, sr, sc] = key.split("/").map(Number) as [number, number, number];
        await this.#writeShard(b, sr, sc, s);
      }
      this.#pending.clear();
      await this.finish();
    } catch (e) {
      await this.abort();
      // A key's error already names this store (store-write.ts): its problem alone, then.
      const why = e instanceof TilecastError && e.path === this.target ? e.problem : errorLine(e);
      throw new TilecastError("E_WRITE", `cannot finish the store (${why})`, { path: this.target, cause: e });
    }
  }

  async abort(): Promise<void> {
    this.#pending.clear();
    if (this.root !== this.target) await discard(this.root);
  }
}
