/**
 * Kept parts back into an output (resumed runs and `tilecast finalize`), and the sink a
 * committing resumable run writes through, which keeps each block in its part as well.
 *
 * When the output can hand back the bytes it stores for a block (`GridSink.stored`: a GeoTIFF's
 * compressed tiles, a Zarr store's compressed chunks), parts keep those bytes (a shard encodes
 * them without writing the output), and putting a part back copies them: nothing is decoded or
 * encoded again. Otherwise parts keep the blocks' cells, which are encoded on the way back
 * (outputs without a stored form: COG, sharded Zarr v3).
 */
import { TilecastError } from "../errors.js";
import { PartFile, type StoredBlock } from "../io/parts/part-file.js";
import { type PartSink, partPath } from "../io/parts/part-sink.js";
import type { GridSink, StoredBlocks } from "../io/types.js";
import { CLAMPED_EXTRA, type ClampTally } from "./clamp-tally.js";
import type { RunProducts } from "./products.js";

/** Blocks written at once while replaying, so the output's encoding (codec workers) uses every core. */
const IN_FLIGHT = 4;

/** Whether part `file` can go back into `sink`: cells always can, stored pieces only into the same form. */
export function replayable(file: PartFile, sink: GridSink): boolean {
  return file.header.codec !== "stored" || file.header.form === sink.stored?.form;
}

/**
 * Every kept part's blocks into `sink`, their quicklook cells into `products`, and the values
 * they clamped into `clamps`.
 */
export async function replay(
  dir: string,
  ids: readonly number[],
  sink: GridSink,
  products: RunProducts,
  clamps: ClampTally,
): Promise<void> {
  const { blockWidth: bw, blockHeight: bh } = sink.blockGrid;
  const inFlight = new Set<Promise<void>>();
  for (const id of ids) {
    const f = await PartFile.open(partPath(dir, id));
    try {
      const { header } = f;
      const stored = header.codec === "stored" ? storedOf(f, sink) : null;
      clamps.keep(await f.extra(CLAMPED_EXTRA));
      const cells = await f.extra("image");
      if (cells) products.putImageCells(header.window, cells);
      const output = stored ? await f.extra("output") : null;
      if (output) products.putOutputCells(header.window, output, header.bands);
      for (let i = 0; i < header.blocks.length; i++) {
        const { window } = header.blocks[i] as StoredBlock;
        const [col, row] = [window.x / bw, window.y / bh];
        let w: Promise<void>;
        if (stored) w = f.pieces(i).then((p) => stored.putBlock(col, row, p));
        else {
          const grid = await f.block(i);
          products.onRegion({ window, grid });
          w = sink.writeBlock(col, row, grid);
        }
        const tracked: Promise<void> = w.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      await f.close();
    }
  }
}

function storedOf(f: PartFile, sink: GridSink): StoredBlocks {
  if (!replayable(f, sink) || !sink.stored)
    throw new TilecastError(
      "E_FORMAT",
      "part keeps its blocks as another output stored them (a different format, codec or layout); run with --resume to redo it",
      { path: f.path },
    );
  return sink.stored;
}

/**
 * `sink` while kept parts are replayed into it: blocks go straight through, its commit waits for
 * the replay (and fails with the replay's error), and an abort also waits for the replay to stop.
 * On a resumed run the kept parts then go into the output while the model works on the rest,
 * instead of before it.
 */
export function whileReplaying(sink: GridSink, replayed: Promise<unknown>): GridSink {
  return {
    blockGrid: sink.blockGrid,
    writeBlock: (col, row, block) => sink.writeBlock(col, row, block),
    async commit() {
      const failed = await replayed;
      if (failed) {
        await sink.abort();
        throw failed;
      }
      await sink.commit();
    },
    async abort() {
      await sink.abort(); // the replay's next write fails, which ends it
      await replayed;
    },
    ...(sink.stored ? { stored: sink.stored } : {}),
  };
}

/**
 * The output and its parts: each block goes to `output`, and then to its part, as the pieces the
 * output stored when it has a stored form (`parts` made with that form), else as cells. Commits
 * the parts first, then the output; an abort aborts both.
 */
export function keepingSink(output: GridSink, parts: PartSink): GridSink {
  const stored = output.stored;
  return {
    blockGrid: output.blockGrid,
    async writeBlock(col, row, block) {
      if (!stored) {
        await Promise.all([output.writeBlock(col, row, block), parts.writeBlock(col, row, block)]);
        return;
      }
      await parts.keep(col, row, block, await stored.writeBlock(col, row, block));
    },
    async commit() {
      await parts.commit();
      await output.commit();
    },
    async abort() {
      await Promise.allSettled([output.abort(), parts.abort()]);
    },
  };
}

/**
 * A shard's parts: each block kept as the pieces `encoder` (the output's stored form, its sink
 * aborted) makes for it, so `tilecast finalize` copies them instead of encoding the whole output
 * again on its own.
 */
export function encodingSink(encoder: StoredBlocks, parts: PartSink): GridSink {
  return {
    blockGrid: parts.blockGrid,
    async writeBlock(col, row, block) {
      await parts.keep(col, row, block, await encoder.encodeBlock(col, row, block));
    },
    commit: () => parts.commit(),
    abort: () => parts.abort(),
  };
}
