/** `tilecast serve`: the operations page until SIGINT/SIGTERM. */
import { stat } from "node:fs/promises";
import { TilecastError } from "../errors.js";
import { createOpsServer } from "../ops/serve/server.js";

export async function serveCommand(o: {
  root: string;
  state?: string;
  host: string;
  port: number;
  redis?: string;
}): Promise<void> {
  const root = await stat(o.root).catch(() => null);
  if (!root?.isDirectory())
    throw new TilecastError("E_NOT_FOUND", root ? "--root is a file, not a directory" : "--root: no such directory", {
      path: o.root,
    });
  const server = createOpsServer({
    root: o.root,
    host: o.host,
    ...(o.state ? { state: o.state } : {}),
    ...(o.redis ? { redis: o.redis } : {}),
  });
  await new Promise<void>((ready, fail) => {
    server.once("error", fail);
    server.listen(o.port, o.host, () => ready());
  }).catch((e: NodeJS.ErrnoException) => {
    server.close(); // and its watcher, which would keep the process alive
    const why = e.code === "EADDRINUSE" ? "the port is in use" : `cannot listen there (${e.code ?? e.message})`;
    throw new TilecastError("E_ARGUMENT", why, { path: `${o.host}:${o.port}`, cause: e });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  process.stderr.write(`tilecast serve: http://${o.host}:${port}/ (root ${o.root}; Ctrl-C stops)\n`);
  await new Promise<void>(() => {}); // until a signal ends the process
}
