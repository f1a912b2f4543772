/**
 * One stream of blocks into two outputs: `teeSink(primary, secondary, derive)` writes each block
 * to `primary` and `derive(block)` to `secondary` (a class raster beside probabilities, say). Both
 * outputs have the same block grid. Commit commits the secondary first, then the primary; abort
 * aborts both, so a failed run leaves neither. When both keep stored blocks, so does the tee: the
 * primary's pieces, then the secondary's.
 *
 * @example
 * ```ts
 * import { classify, createGeoTiffSink, teeSink } from "tilecast";
 * const spec = { width: 64, height: 64, bands: 2, dtype: "float32" as const, georef: null, nodata: null };
 * const probs = await createGeoTiffSink("/tmp/p.tif", spec);
 * const classes = await createGeoTiffSink("/tmp/c.tif", { ...spec, bands: 1, dtype: "uint8", nodata: 255 });
 * const both = teeSink(probs, classes, (b) => classify(b));
 * await both.abort();
 * ```
 */
import { TilecastError } from "../errors.js";
import type { Grid } from "../grid/grid.js";
import type { GridSink, StoredBlocks } from "./types.js";

/** Write blocks to both sinks; see the module documentation. */
export function teeSink(primary: GridSink, secondary: GridSink, derive: (block: Grid) => Grid): GridSink {
  const a = primary.blockGrid;
  const b = secondary.blockGrid;
  if (a.width !== b.width || a.height !== b.height || a.blockWidth !== b.blockWidth || a.blockHeight !== b.blockHeight)
    throw new TilecastError("E_ARGUMENT", "tee outputs need the same size and block size");
  const stored = teeStored(primary, secondary, derive);
  return {
    blockGrid: a,
    async writeBlock(col, row, block) {
      await Promise.all([primary.writeBlock(col, row, block), secondary.writeBlock(col, row, derive(block))]);
    },
    async commit() {
      await secondary.commit();
      await primary.commit();
    },
    async abort() {
      await Promise.allSettled([primary.abort(), secondary.abort()]);
    },
    ...(stored ? { stored } : {}),
  };
}

/** Both sinks' stored blocks, the primary's pieces first; null unless both have them. */
function teeStored(primary: GridSink, secondary: GridSink, derive: (block: Grid) => Grid): StoredBlocks | null {
  const a = primary.stored;
  const b = secondary.stored;
  if (!a || !b) return null;
  return {
    form: JSON.stringify([a.form, b.form]),
    pieces: a.pieces + b.pieces,
    async writeBlock(col, row, block) {
      const [x, y] = await Promise.all([a.writeBlock(col, row, block), b.writeBlock(col, row, derive(block))]);
      return [...x, ...y];
    },
    async encodeBlock(col, row, block) {
      const [x, y] = await Promise.all([a.encodeBlock(col, row, block), b.encodeBlock(col, row, derive(block))]);
      return [...x, ...y];
    },
    async putBlock(col, row, pieces) {
      if (pieces.length !== a.pieces + b.pieces)
        throw new TilecastError("E_ARGUMENT", `stored block has ${pieces.length} pieces, not ${a.pieces + b.pieces}`);
      await Promise.all([
        a.putBlock(col, row, pieces.slice(0, a.pieces)),
        b.putBlock(col, row, pieces.slice(a.pieces)),
      ]);
    },
  };
}
