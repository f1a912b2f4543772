// tilecast side of the one-step Zarr benchmark: read single time steps of t2m (one whole chunk
// each) in a scattered order, one at a time with a pause between, as a service answering
// requests does, and print the median read's rate as {"readsPerSec": ...}
// (bench/zarr_step_tensorstore.py reads the same steps). Without the chunk cache: every read
// decodes its chunk. Usage: node bench/zarr-step.mjs STORE
import { setTimeout as sleep } from "node:timers/promises";
import { openZarrSource } from "../dist/io/zarr/source.js";

const src = await openZarrSource(process.argv[2], { variable: "t2m", cacheBytes: 0 });
const { width, height, bands } = src.meta;
const order = Array.from({ length: 2 * bands }, (_, i) => (i * 37) % bands);
const ms = [];
for (const t of order) {
  await sleep(5);
  const t0 = performance.now();
  await src.readWindow({ x: 0, y: 0, width, height }, { bands: [t] });
  ms.push(performance.now() - t0);
}
ms.sort((a, b) => a - b);
const median = ms[ms.length >> 1];
console.log(JSON.stringify({ readsPerSec: 1000 / median, medianMs: median }));
