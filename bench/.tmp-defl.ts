import { readFileSync } from "node:fs";
import { deflateSync, constants } from "node:zlib";
import { applyFloatingPoint } from "../src/io/geotiff/predictor.js";
const raw = readFileSync("/tmp/win.raw");
const tiles: Uint8Array[] = [];
for (let ty = 0; ty < 4; ty++) for (let tx = 0; tx < 4; tx++) {
  const t = new Uint8Array(256 * 256 * 16);
  for (let r = 0; r < 256; r++) t.set(raw.subarray(((ty * 256 + r) * 1024 + tx * 256) * 16, ((ty * 256 + r) * 1024 + tx * 256 + 256) * 16), r * 256 * 16);
  applyFloatingPoint(t, { width: 256, rows: 256, spp: 4, bytes: 4 });
  tiles.push(t);
}
const total = tiles.length * tiles[0].length;
for (const [name, opts] of [
  ["l1", { level: 1 }], ["l3", { level: 3 }], ["l6", { level: 6 }],
  ["l6 filtered", { level: 6, strategy: constants.Z_FILTERED }],
  ["l6 huffman", { level: 6, strategy: constants.Z_HUFFMAN_ONLY }],
  ["l6 rle", { level: 6, strategy: constants.Z_RLE }],
  ["l1", { level: 1 }], ["l6", { level: 6 }],
] as const) {
  let out = 0; const t0 = performance.now();
  for (let k = 0; k < 3; k++) for (const t of tiles) out += deflateSync(t, opts).length;
  const ms = (performance.now() - t0) / 3;
  console.log(name.padEnd(12), (total / 1e6 / (ms / 1000)).toFixed(0), "MB/s", (out / 3 / total * 100).toFixed(1), "%");
}
