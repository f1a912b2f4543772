/** Child process for the concurrent-writer test: fill block rows [r0, r1) of a store's variable. */

import { blockWindow } from "../../src/grid/block-grid.js";
import { createGrid } from "../../src/grid/grid.js";
import { openZarrRegionSink } from "../../src/io/zarr/region.js";

const [path, variable, r0, r1] = process.argv.slice(2) as [string, string, string, string];
const sink = await openZarrRegionSink(path, variable);
const { cols } = sink.blockGrid;
for (let row = Number(r0); row < Number(r1); row++) {
  for (let col = 0; col < cols; col++) {
    const w = blockWindow(sink.blockGrid, col, row);
    const data = Float32Array.from(
      { length: w.width * w.height },
      (_, i) => (w.y + Math.floor(i / w.width)) * 1000 + w.x + (i % w.width),
    );
    await sink.writeBlock(col, row, createGrid("float32", [1, w.height, w.width], { data }));
  }
}
await sink.commit();
