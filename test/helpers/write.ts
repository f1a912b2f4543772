/** Write a whole grid through the streaming sink, blocks in a scrambled order. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blockWindow } from "../../src/grid/block-grid.js";
import { cropGrid } from "../../src/grid/crop.js";
import type { Grid } from "../../src/grid/grid.js";
import { createGeoTiffSink, type GeoTiffWriteOptions } from "../../src/io/geotiff/writer.js";

export const tmp = (name: string) => join(mkdtempSync(join(tmpdir(), "tilecast-test-")), name);

export async function writeWhole(path: string, g: Grid, o: GeoTiffWriteOptions = {}): Promise<void> {
  const [bands, height, width] = g.shape as [number, number, number];
  const sink = await createGeoTiffSink(
    path,
    { width, height, bands, dtype: g.dtype, georef: g.georef, nodata: g.nodata, attrs: g.attrs },
    o,
  );
  const { cols, rows } = sink.blockGrid;
  const order = Array.from({ length: cols * rows }, (_, i) => (i * 7919) % (cols * rows)); // any order
  if (new Set(order).size !== order.length) order.sort((a, b) => b - a);
  const frame = { x: 0, y: 0, width, height };
  await Promise.all(
    order.map((i) =>
      sink.writeBlock(
        i % cols,
        Math.floor(i / cols),
        cropGrid(g, frame, blockWindow(sink.blockGrid, i % cols, Math.floor(i / cols))),
      ),
    ),
  );
  await sink.commit();
}
