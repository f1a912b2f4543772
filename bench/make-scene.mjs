// The benchmark scene of bench/make-scene.py (a 4-band uint16 Sentinel-2-like image: smooth
// fields plus noise, a nodata corner; EPSG:32633 at 10 m, 512 px deflate tiles with predictor 2),
// written with tilecast's own GeoTIFF writer, for machines without GDAL's Python bindings (a GPU
// machine's image, say). The noise comes from another generator than numpy's, so the pixels
// differ from make-scene.py's; the field, the corner and the layout are the same.
// Usage: node bench/make-scene.mjs OUT SIZE (imports the built package: `npm run build`)
import { crsFromEpsg } from "../dist/grid/crs.js";
import { createGrid } from "../dist/grid/grid.js";
import { createGeoTiffSink } from "../dist/io/geotiff/writer.js";

const [out, size] = [process.argv[2], Number(process.argv[3])];
if (!out || !Number.isInteger(size) || size < 16) {
  console.error("usage: node bench/make-scene.mjs OUT SIZE");
  process.exit(2);
}
const georef = {
  transform: [600000, 10, 0, 5000000, 0, -10],
  crs: crsFromEpsg(32633),
  rasterType: "area",
};
const spec = { width: size, height: size, bands: 4, dtype: "uint16", georef, nodata: 0 };
const sink = await createGeoTiffSink(out, spec, { tileSize: 512, predictor: 2 });
let seed = 1;
/** Normal noise with standard deviation 20 (Box-Muller over a linear congruential generator). */
function noise() {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  const u = (seed + 1) / 2 ** 32;
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  const v = seed / 2 ** 32;
  return 20 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
const { cols, rows } = sink.blockGrid;
try {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const x0 = c * 512;
      const y0 = r * 512;
      const w = Math.min(512, size - x0);
      const h = Math.min(512, size - y0);
      const block = createGrid("uint16", [4, h, w]);
      for (let b = 0; b < 4; b++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const gx = x0 + x;
            const gy = y0 + y;
            let f = 1000 + 400 * (b + 1) * (1 + Math.sin(gx / 900 + b) * Math.cos(gy / 700)) + noise();
            if (gx + gy < size / 8) f = 0; // a nodata corner, as at a swath edge
            block.data[(b * h + y) * w + x] = f > 0 ? Math.min(65535, Math.max(1, Math.trunc(f))) : 0;
          }
      await sink.writeBlock(c, r, block);
    }
} catch (e) {
  await sink.abort(); // no partial scene left behind
  throw e;
}
await sink.commit();
