// tilecast side of the Zarr read benchmark: read every time step of t2m as one window, the
// next one in flight while this one is summed, and print a checksum (bench/zarr_read.py prints the
// same). Imports the Zarr reader module only: the package root also loads TensorFlow.js
// (about 0.45 s of startup that is not reading). Usage: node bench/zarr-read.mjs STORE
import { openZarrSource } from "../dist/io/zarr/source.js";
import { nansum } from "./nansum.mjs";

const src = await openZarrSource(process.argv[2], { variable: "t2m" });
const { width, height, bands } = src.meta;
const read = (t) => src.readWindow({ x: 0, y: 0, width, height }, { bands: [t] });
let total = 0;
let next = read(0);
for (let t = 0; t < bands; t++) {
  const g = await next;
  if (t + 1 < bands) next = read(t + 1);
  total += nansum(g.data);
}
console.log(total.toExponential(6));
