// tilecast side of the appended-archive Zarr benchmark: open rr (which reads the 150 000
// one-value chunks of its time coordinate, to label its bands) and print the coordinate's
// chunks per second as {"chunksPerSec": ...} (bench/zarr_open.py times xarray's open_zarr the
// same way, inside the process). Usage: node bench/zarr-open.mjs STORE
import { openZarrSource } from "../dist/io/zarr/source.js";

const t0 = performance.now();
const src = await openZarrSource(process.argv[2], { variable: "rr" });
const s = (performance.now() - t0) / 1000;
const names = src.meta.attrs.bandNames ?? [];
if (src.meta.bands !== 150_000 || !String(names.at(-1)).startsWith("2026-06-05T"))
  throw new Error(`read ${src.meta.bands} bands, the last ${names.at(-1)}`);
console.log(JSON.stringify({ chunksPerSec: src.meta.bands / s, seconds: s }));
await src.close();
