// A loopback file server that answers every request after DELAY ms, as an object store across a
// network does (about 20-100 ms a request): `/scene-K.tif` (any K) is FILE, so each open can name
// a file no cache has seen; anything else is 404 (after the same delay). Ranges are honoured.
// Prints {"port": N} and serves until killed; LOG_REQUESTS=1 logs each request to stderr.
// Usage: node bench/latency-server.mjs FILE DELAY_MS
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const body = readFileSync(process.argv[2]);
const delay = Number(process.argv[3] ?? 50);
const server = createServer((req, res) => {
  if (process.env.LOG_REQUESTS)
    console.error(Math.round(performance.now()), req.method, req.url, req.headers.range ?? "");
  setTimeout(() => {
    if (!/^\/scene-\d+\.tif$/.test(req.url ?? "")) return res.writeHead(404).end();
    const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
    if (!m) return res.writeHead(200, { "Content-Length": body.length }).end(req.method === "HEAD" ? undefined : body);
    const start = Number(m[1]);
    if (start >= body.length) return res.writeHead(416, { "Content-Range": `bytes */${body.length}` }).end();
    const end = Math.min(body.length - 1, m[2] ? Number(m[2]) : body.length - 1);
    res.writeHead(206, { "Content-Range": `bytes ${start}-${end}/${body.length}`, "Content-Length": end - start + 1 });
    res.end(req.method === "HEAD" ? undefined : body.subarray(start, end + 1));
  }, delay);
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
