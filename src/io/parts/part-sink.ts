/**
 * The sink a resumable run writes its parts to: a {@link GridSink} over the output's blocks
 * (parts are whole numbers of them) that sends each block to its part's file and commits the file the moment the part's last block is in. A run
 * stopped at any point (SIGKILL included) loses only the parts in flight; the committed ones
 * are whole and need not be redone.
 */
import { join } from "node:path";
import { TilecastError } from "../../errors.js";
import { type BlockGrid, blockWindow, makeBlockGrid } from "../../grid/block-grid.js";
import type { Grid } from "../../grid/grid.js";
import type { Window } from "../../grid/window.js";
import type { PlanPart } from "../../tiling/plan.js";
import type { GridSink } from "../types.js";
import { PartFileWriter } from "./part-file.js";

/** The path of part `id`'s file in a parts directory. */
export function partPath(dir: string, id: number): string {
  return join(dir, `part-${id}.bin`);
}

/** Options for {@link PartSink}. */
export interface PartSinkOptions {
  width: number;
  height: number;
  /** The output's block size: parts are whole blocks of it. */
  blockWidth: number;
  blockHeight: number;
  /** The parts this run writes. */
  parts: readonly PlanPart[];
  dir: string;
  /**
   * The output's stored form (`StoredBlocks.form`): blocks then come through {@link PartSink.keep}
   * with the pieces the output stored, and parts keep those instead of the cells.
   */
  form?: string;
  /** Extra bytes to keep with a part (e.g. its quicklook cells), asked when the part is complete. */
  extras?(part: PlanPart): Record<string, Uint8Array>;
  /** Called after a part's file is in place. */
  onPart?(part: PlanPart): void;
}

interface Open {
  part: PlanPart;
  writer: Promise<PartFileWriter>;
  left: number;
  grid: Grid | null;
}

const inside = (w: Window, x: number, y: number) => x >= w.x && x < w.x + w.width && y >= w.y && y < w.y + w.height;

/** Writes parts; see the module documentation. */
export class PartSink implements GridSink {
  readonly blockGrid: BlockGrid;
  readonly #o: PartSinkOptions;
  readonly #open = new Map<number, Open>();
  readonly #committing: Promise<void>[] = [];

  constructor(o: PartSinkOptions) {
    this.#o = o;
    this.blockGrid = makeBlockGrid(o.width, o.height, o.blockWidth, o.blockHeight);
  }

  #blocksIn(w: Window): number {
    return Math.ceil(w.width / this.#o.blockWidth) * Math.ceil(w.height / this.#o.blockHeight);
  }

  async writeBlock(col: number, row: number, block: Grid): Promise<void> {
    if (this.#o.form !== undefined)
      throw new TilecastError("E_ARGUMENT", "this part sink keeps stored blocks (see keep)", { path: this.#o.dir });
    await this.#add(col, row, block, (writer, w) => writer.add(w, block));
  }

  /** Keep a block as the `pieces` its output stored for it (with option `form`). */
  async keep(col: number, row: number, block: Grid, pieces: readonly Uint8Array[]): Promise<void> {
    await this.#add(col, row, block, (writer, w) => writer.addStored(w, pieces));
  }

  async #add(
    col: number,
    row: number,
    block: Grid,
    add: (writer: PartFileWriter, w: Window) => Promise<void>,
  ): Promise<void> {
    const w = blockWindow(this.blockGrid, col, row);
    const part = this.#o.parts.find((p) => inside(p.window, w.x, w.y));
    if (!part) return; // a block of a part another run writes
    let o = this.#open.get(part.id);
    if (!o) {
      o = {
        part,
        writer:
          this.#o.form === undefined
            ? PartFileWriter.create(partPath(this.#o.dir, part.id))
            : PartFileWriter.create(partPath(this.#o.dir, part.id), "stored", this.#o.form),
        left: this.#blocksIn(part.window),
        grid: null,
      };
      this.#open.set(part.id, o);
    }
    o.grid = block;
    const writer = await o.writer;
    await add(writer, w);
    if (--o.left === 0) {
      this.#open.delete(part.id);
      const done = this.#commit(o, writer);
      this.#committing.push(done);
      await done;
    }
  }

  async #commit(o: Open, writer: PartFileWriter): Promise<void> {
    const g = o.grid as Grid;
    for (const [name, bytes] of Object.entries(this.#o.extras?.(o.part) ?? {})) await writer.addExtra(name, bytes);
    await writer.commit({
      part: o.part.id,
      window: o.part.window,
      bands: g.shape[0] as number,
      dtype: g.dtype,
      nodata: g.nodata,
    });
    this.#o.onPart?.(o.part);
  }

  /** Parts are committed as they finish; this waits for the last. */
  async commit(): Promise<void> {
    await Promise.all(this.#committing);
  }

  /** Remove the files of parts still in flight; finished parts stay. */
  async abort(): Promise<void> {
    await Promise.allSettled(this.#committing);
    const open = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(open.map(async (o) => (await o.writer.catch(() => null))?.abort()));
  }
}
