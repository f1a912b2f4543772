/**
 * A real Redis for the queue's tests: Debian's redis-server on a random loopback port, without
 * persistence. `hasRedis` is false where it is not installed (the tests skip), unless
 * `TILECAST_REQUIRE_REDIS=1` (CI), where its absence is an error.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";

export const hasRedis: boolean = (() => {
  if (spawnSync("redis-server", ["--version"]).status === 0) return true;
  if (process.env.TILECAST_REQUIRE_REDIS === "1")
    throw new Error("redis-server is required (apt-get install redis-server)");
  return false;
})();

/** A started server: its port, URL, and a way to stop it. */
export interface RedisServer {
  port: number;
  url: string;
  stop(): void;
}

/** Start redis-server and wait until it accepts connections. */
export async function startRedis(): Promise<RedisServer> {
  const port = 16379 + Math.floor(Math.random() * 1000);
  const server: ChildProcess = spawn("redis-server", [
    ...["--port", String(port), "--bind", "127.0.0.1"],
    ...["--save", "", "--appendonly", "no"],
  ]);
  await new Promise<void>((ready, fail) => {
    const t = setTimeout(() => fail(new Error("redis-server did not start")), 10_000);
    server.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("Ready to accept connections")) {
        clearTimeout(t);
        ready();
      }
    });
  });
  return { port, url: `redis://127.0.0.1:${port}`, stop: () => server.kill("SIGTERM") };
}

/** Poll `ok` every 250 ms until it holds or `ms` pass; whether it held. */
export async function until(ok: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
