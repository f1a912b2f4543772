/** `tilecast serve`: the operations page until SIGINT/SIGTERM. */
import { createOpsServer } from "../ops/serve/server.js";

export async function serveCommand(o: {
  root: string;
  state?: string;
  host: string;
  port: number;
  redis?: string;
}): Promise<void> {
  const server = createOpsServer({
    root: o.root,
    host: o.host,
    ...(o.state ? { state: o.state } : {}),
    ...(o.redis ? { redis: o.redis } : {}),
  });
  await new Promise<void>((ready, fail) => {
    server.once("error", fail);
    server.listen(o.port, o.host, () => ready());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  process.stderr.write(`tilecast serve: http://${o.host}:${port}/ (root ${o.root}; Ctrl-C stops)\n`);
  await new Promise<void>(() => {}); // until a signal ends the process
}
