// By hand: how long opening a Zarr store over http takes where each request costs a round trip.
// Serves the store's directory on loopback, answering every request after DELAY ms, and opens
// VARIABLE three times (openZarrSource: metadata, coordinates, band labels); prints the times and
// the requests of one open. Usage: node bench/remote-zarr-open.mjs STORE VARIABLE [DELAY_MS]
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { openZarrSource } from "../dist/io/zarr/source.js";

const [store, variable, delay = "50"] = process.argv.slice(2);
let requests = 0;
const server = createServer((req, res) => {
  requests++;
  setTimeout(() => {
    const p = decodeURIComponent((req.url ?? "/").split("?")[0]);
    if (!existsSync(p) || statSync(p).isDirectory()) return res.writeHead(404).end();
    const body = readFileSync(p);
    res.writeHead(200, { "Content-Length": body.length }).end(req.method === "HEAD" ? undefined : body);
  }, Number(delay));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}${resolve(store)}`;
const ms = [];
for (let i = 0; i < 3; i++) {
  requests = 0;
  const t0 = performance.now();
  const src = await openZarrSource(url, { variable });
  ms.push(Math.round(performance.now() - t0));
  await src.close();
}
server.close();
console.log(JSON.stringify({ delayMs: Number(delay), ms, requests }));
