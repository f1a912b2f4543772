/**
 * The file a finished part of a resumable run is kept in until the run is finalized
 * (`<output>.parts/part-<id>.bin`). Layout:
 *
 * ```text
 * "TCPART1\n"                      8 bytes
 * payloads                         each block's cells, then its mask (raw, or deflate level 1),
 *                                  or the pieces its output stores it as (codec "stored")
 * header (UTF-8 JSON)              PartHeader: the part, dtype, nodata, each block's place and byte ranges
 * header length                    uint32 little-endian, the last 4 bytes
 * ```
 *
 * The header goes last so blocks stream to disk as they finish. A part file is written under a
 * temporary name and renamed into place when its last block is in: one that exists is whole.
 * Both codecs are deterministic, so two processes that write the same part write the same bytes.
 */
import { randomBytes } from "node:crypto";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { promisify } from "node:util";
import { deflate, inflate } from "node:zlib";
import { TilecastError } from "../../errors.js";
import { DTYPE_INFO, type DType, viewOf } from "../../grid/dtype.js";
import { createGrid, type Grid } from "../../grid/grid.js";
import type { Window } from "../../grid/window.js";
import { ownsBuffer } from "../codec-jobs.js";
import { intoOneBuffer } from "../inflate-options.js";

const MAGIC = "TCPART1\n";
const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/**
 * How blocks are stored: `none` (the default: a part costs its raw size on disk for a while, and
 * almost no time), `deflate` (level 1: a quarter to a half of the space for floats, but
 * compressing a large float output costs a good share of the run), or `stored`: the bytes the
 * output itself stored for each block (see `StoredBlocks`), which go back into an output of the
 * same form without being encoded again.
 */
export type PartCodec = "none" | "deflate" | "stored";

/** One stored block: where it lies in the raster and where its bytes are. */
export interface StoredBlock {
  window: Window;
  data: [offset: number, length: number];
  mask?: [offset: number, length: number];
  /** Codec `stored`: the output's pieces for the block (`data` is then the first). */
  pieces?: [offset: number, length: number][];
}

/** What a part file's header says. */
export interface PartHeader {
  part: number;
  window: Window;
  bands: number;
  dtype: DType;
  nodata: number | null;
  blocks: StoredBlock[];
  codec: PartCodec;
  /** Codec `stored`: the output's form (`StoredBlocks.form`). */
  form?: string;
  /** Extra samples kept with the part (the quicklook's input cells), by name. */
  extras?: Record<string, [offset: number, length: number]>;
}

/** Writes one part file; see the module documentation. */
export class PartFileWriter {
  readonly path: string;
  readonly #temp: string;
  readonly #fh: FileHandle;
  #at = MAGIC.length;
  #queue: Promise<void> = Promise.resolve();
  readonly #blocks: StoredBlock[] = [];
  readonly #extras: Record<string, [number, number]> = {};

  private constructor(
    path: string,
    temp: string,
    fh: FileHandle,
    readonly codec: PartCodec,
    readonly form: string | null,
  ) {
    this.path = path;
    this.#temp = temp;
    this.#fh = fh;
  }

  /** `form`: with codec `stored`, the output's form, which every block's pieces are in. */
  static async create(path: string, codec: PartCodec = "none", form?: string): Promise<PartFileWriter> {
    if ((codec === "stored") !== (form !== undefined))
      throw new TilecastError("E_ARGUMENT", "a part file's form goes with codec 'stored', and only with it", { path });
    const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    const fh = await open(temp, "wx");
    await fh.write(Buffer.from(MAGIC), 0, MAGIC.length, 0);
    return new PartFileWriter(path, temp, fh, codec, form ?? null);
  }

  /** Append one block, compressed with the file's codec (writes are serialized, in call order). */
  async add(window: Window, grid: Grid): Promise<void> {
    if (this.codec === "stored")
      throw new TilecastError("E_ARGUMENT", "this part keeps stored blocks", { path: this.path });
    const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const pack = (b: Uint8Array) => (this.codec === "deflate" ? deflateAsync(b, { level: 1 }) : Promise.resolve(b));
    const [d, m] = await Promise.all([pack(bytes(grid.data)), grid.mask ? pack(grid.mask) : null]);
    const block: StoredBlock = { window, data: [0, 0] };
    this.#blocks.push(block);
    await this.#append(d, (at) => {
      block.data = [at, d.length];
    });
    if (m)
      await this.#append(m, (at) => {
        block.mask = [at, m.length];
      });
  }

  /** Append one block as the pieces its output stored (codec `stored`). */
  async addStored(window: Window, pieces: readonly Uint8Array[]): Promise<void> {
    if (this.codec !== "stored")
      throw new TilecastError("E_ARGUMENT", "this part keeps blocks, not stored pieces", { path: this.path });
    const block: StoredBlock = { window, data: [0, 0], pieces: [] };
    this.#blocks.push(block);
    await Promise.all(
      pieces.map((bytes, i) =>
        this.#append(bytes, (at) => {
          (block.pieces as [number, number][])[i] = [at, bytes.length];
          if (i === 0) block.data = [at, bytes.length];
        }),
      ),
    );
  }

  /** Append a named extra (kept uncompressed as given). */
  async addExtra(name: string, bytes: Uint8Array): Promise<void> {
    await this.#append(bytes, (at) => {
      this.#extras[name] = [at, bytes.length];
    });
  }

  #append(bytes: Uint8Array, placed: (at: number) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const at = this.#at;
      this.#at += bytes.length;
      placed(at);
      await this.#fh.write(bytes, 0, bytes.length, at);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Write the header, sync, and rename into place. */
  async commit(header: Omit<PartHeader, "blocks" | "extras" | "codec">): Promise<void> {
    await this.#queue;
    const order = [...this.#blocks].sort((a, b) => a.window.y - b.window.y || a.window.x - b.window.x);
    // JSON has no NaN: a float output's NaN nodata is kept as the string "NaN".
    const nodata = header.nodata !== null && Number.isNaN(header.nodata) ? "NaN" : header.nodata;
    const json = Buffer.from(
      JSON.stringify({
        ...header,
        nodata,
        codec: this.codec,
        ...(this.form !== null ? { form: this.form } : {}),
        blocks: order,
        extras: this.#extras,
      }),
    );
    const tail = Buffer.alloc(4);
    tail.writeUInt32LE(json.length);
    await this.#fh.write(Buffer.concat([json, tail]), 0, json.length + 4, this.#at);
    await this.#fh.sync();
    await this.#fh.close();
    await rename(this.#temp, this.path);
  }

  /** Delete the temporary file. */
  async abort(): Promise<void> {
    await this.#queue;
    await this.#fh.close().catch(() => undefined);
    await rm(this.#temp, { force: true });
  }
}

/** A finished part file, read block by block. */
export class PartFile {
  readonly path: string;
  readonly header: PartHeader;
  readonly #fh: FileHandle;

  private constructor(path: string, header: PartHeader, fh: FileHandle) {
    this.path = path;
    this.header = header;
    this.#fh = fh;
  }

  static async open(path: string): Promise<PartFile> {
    const fh = await open(path, "r");
    try {
      const { size } = await fh.stat();
      const head = Buffer.alloc(8);
      await fh.read(head, 0, 8, 0);
      if (size < 12 || head.toString("latin1") !== MAGIC)
        throw new TilecastError("E_FORMAT", "not a tilecast part file", { path });
      const tail = Buffer.alloc(4);
      await fh.read(tail, 0, 4, size - 4);
      const n = tail.readUInt32LE();
      if (n > size - 12) throw new TilecastError("E_FORMAT", "part file header length out of range", { path });
      const json = Buffer.alloc(n);
      await fh.read(json, 0, n, size - 4 - n);
      const header = JSON.parse(json.toString("utf8")) as Omit<PartHeader, "nodata"> & {
        nodata: number | null | "NaN";
      };
      if (header.codec === "stored" && typeof header.form !== "string")
        throw new TilecastError("E_FORMAT", "part file keeps stored blocks but names no form", { path });
      return new PartFile(path, { ...header, nodata: header.nodata === "NaN" ? Number.NaN : header.nodata }, fh);
    } catch (e) {
      await fh.close();
      if (e instanceof TilecastError) throw e;
      throw new TilecastError("E_FORMAT", `unreadable part file (${(e as Error).message})`, { path, cause: e });
    }
  }

  async #bytes([offset, length]: [number, number]): Promise<Buffer> {
    const b = Buffer.alloc(length);
    const { bytesRead } = await this.#fh.read(b, 0, length, offset);
    if (bytesRead !== length)
      throw new TilecastError("E_FORMAT", `part file ends before its ${length} bytes at ${offset}`, {
        path: this.path,
      });
    return b;
  }

  /**
   * The `bytes` bytes of block `i` stored at `at`, inflated when the part is deflated (into one
   * buffer of that size, never more).
   *
   * @throws TilecastError E_FORMAT when they are not that many bytes, or do not inflate.
   */
  async #unpack(i: number, at: [number, number], bytes: number): Promise<Buffer> {
    const stored = await this.#bytes(at);
    let raw = stored;
    if (this.header.codec === "deflate") {
      try {
        raw = await inflateAsync(stored, intoOneBuffer(bytes));
      } catch (e) {
        const why = (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" ? "more" : (e as Error).message;
        throw new TilecastError("E_FORMAT", `part block ${i} does not inflate to its ${bytes} bytes (${why})`, {
          path: this.path,
          cause: e,
        });
      }
    }
    if (raw.length !== bytes)
      throw new TilecastError("E_FORMAT", `part block ${i} holds ${raw.length} bytes, not ${bytes}`, {
        path: this.path,
      });
    return raw;
  }

  /** Block `i` as a `(bands, h, w)` grid. */
  async block(i: number): Promise<Grid> {
    const h = this.header;
    const b = h.blocks[i] as StoredBlock;
    if (h.codec === "stored")
      throw new TilecastError("E_ARGUMENT", "this part keeps its output's stored blocks, not cells", {
        path: this.path,
      });
    const cells = h.bands * b.window.width * b.window.height;
    const raw = await this.#unpack(i, b.data, cells * DTYPE_INFO[h.dtype].bytes);
    const data = viewOf(
      h.dtype,
      ownsBuffer(raw) ? raw.buffer : raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength),
    );
    const m = b.mask ? await this.#unpack(i, b.mask, cells) : null;
    const mask = m ? new Uint8Array(m.buffer, m.byteOffset, m.length) : null;
    return createGrid(h.dtype, [h.bands, b.window.height, b.window.width], { data, nodata: h.nodata, mask });
  }

  /** Block `i`'s pieces as its output stored them (codec `stored`). */
  async pieces(i: number): Promise<Uint8Array[]> {
    const b = this.header.blocks[i] as StoredBlock;
    if (!b.pieces) throw new TilecastError("E_FORMAT", `part block ${i} has no stored pieces`, { path: this.path });
    return Promise.all(b.pieces.map(async (at) => new Uint8Array(await this.#bytes(at))));
  }

  /** A named extra's bytes, or null. */
  async extra(name: string): Promise<Uint8Array | null> {
    const at = this.header.extras?.[name];
    return at ? new Uint8Array(await this.#bytes(at)) : null;
  }

  async close(): Promise<void> {
    await this.#fh.close();
  }
}
