// tilecast side of the GeoTIFF read benchmark: read the whole raster in 512-row strips, two in
// flight, and print a checksum (bench/geotiff_read.py reads the same strips with GDAL).
// Imports the GeoTIFF reader module only (the package root also loads TensorFlow.js).
// Usage: node bench/geotiff-read.mjs FILE
import { openGeoTiff } from "../dist/io/geotiff/reader.js";
import { nansum } from "./nansum.mjs";

const src = await openGeoTiff(process.argv[2]);
const { width, height } = src.meta;
const ROWS = 512;
const read = (y) => src.readWindow({ x: 0, y, width, height: Math.min(ROWS, height - y) });
let total = 0;
let next = read(0);
for (let y = 0; y < height; y += ROWS) {
  const g = await next;
  if (y + ROWS < height) next = read(y + ROWS);
  total += nansum(g.data);
}
await src.close();
console.log(total.toExponential(6));
