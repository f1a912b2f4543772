import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { classify } from "../../src/grid/classes.js";
import { createGrid } from "../../src/grid/grid.js";
import { createGeoTiffSink } from "../../src/io/geotiff/writer.js";
import { openSource } from "../../src/io/registry.js";
import { teeSink } from "../../src/io/tee-sink.js";
import { tmp } from "../helpers/write.js";

const spec = { width: 16, height: 16, bands: 2, dtype: "float32" as const, georef: null, nodata: null };

/** A probability GeoTIFF with a class GeoTIFF teed off it, in a fresh directory. */
async function probabilitiesAndClasses() {
  const a = tmp("p.tif");
  const b = join(dirname(a), "c.tif");
  const sink = teeSink(
    await createGeoTiffSink(a, spec, { tileSize: 16 }),
    await createGeoTiffSink(b, { ...spec, bands: 1, dtype: "uint8", nodata: 255 }, { tileSize: 16 }),
    (g) => classify(g),
  );
  return { a, b, sink };
}

describe("teeSink", () => {
  it("writes each block to both outputs, the second derived", async () => {
    const { a, b, sink } = await probabilitiesAndClasses();
    const data = new Float32Array(512);
    for (let i = 0; i < 256; i++) data[(i % 2) * 256 + i] = 1; // band i % 2 wins at cell i
    await sink.writeBlock(0, 0, createGrid("float32", [2, 16, 16], { data }));
    await sink.commit();
    const c = await openSource(b);
    const g = await c.readWindow({ x: 0, y: 0, width: 16, height: 16 });
    await c.close();
    expect(Array.from(g.data.subarray(0, 6))).toStrictEqual([0, 1, 0, 1, 0, 1]);
    expect(existsSync(a)).toBe(true);
  });

  it("abort leaves neither output", async () => {
    const { a, sink } = await probabilitiesAndClasses();
    await sink.abort();
    expect(readdirSync(dirname(a))).toStrictEqual([]);
  });
});
