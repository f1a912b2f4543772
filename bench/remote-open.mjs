// tilecast side of the remote-open benchmark: open N GeoTIFFs over a server that answers each
// request after DELAY ms (bench/latency-server.mjs) and read a 256 x 256 window of each, one after
// another, as a batch over an object store does; prints {"opensPerSec": ...}.
// bench/remote_open.py does the same with GDAL's /vsicurl/.
// Usage: node bench/remote-open.mjs FILE DELAY_MS N
import { spawn } from "node:child_process";
import { once } from "node:events";
import { openGeoTiff } from "../dist/io/geotiff/reader.js";

const [file, delay, n] = [process.argv[2], process.argv[3] ?? "50", Number(process.argv[4] ?? 8)];
const server = spawn(process.execPath, ["bench/latency-server.mjs", file, delay], {
  stdio: ["ignore", "pipe", "inherit"],
});
const [first] = await once(server.stdout, "data");
const { port } = JSON.parse(String(first));
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const src = await openGeoTiff(`http://127.0.0.1:${port}/scene-${i}.tif`);
  await src.readWindow({ x: 0, y: 0, width: 256, height: 256 });
  await src.close();
}
const s = (performance.now() - t0) / 1000;
server.kill();
console.log(JSON.stringify({ opensPerSec: n / s, seconds: s }));
