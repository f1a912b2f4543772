/**
 * The queue's commands with Redis down fail at once, in one line naming the URL and the reason.
 * Before, `tilecast submit`, `tilecast status --redis` and `tilecast worker` waited for ever
 * without a word: BullMQ's clients retry a refused connection endlessly. No Redis is needed here:
 * the port is one nothing listens on.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { tilecastWithin } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

/** A loopback port nothing listens on: one the system gave out, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  const { port } = s.address() as { port: number };
  await new Promise((ok) => s.close(ok));
  return port;
}

const pipeline = "pipelines/scene-seg.yaml";
const scene = "fixtures/scene-seg/test.s2like.u16.4b.tif";

describe("the queue with Redis down", () => {
  it("submit, status, prune and worker exit 1 in one line naming the URL", async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const line = `tilecast: ${url}: Redis does not answer (ECONNREFUSED)\n`;
    for (const args of [
      ["submit", pipeline, scene, "--redis", url],
      ["submit", pipeline, "--shards", "2", "--redis", url],
      ["status", "--redis", url],
      ["prune", "--redis", url, "--older-than", "30d"],
    ]) {
      const r = tilecastWithin(30_000, ...args);
      expect([r.code, r.stderr], args.join(" ")).toStrictEqual([1, line]);
    }
    const w = tilecastWithin(30_000, "worker", "--redis", url);
    expect(w.code).toBe(1);
    expect(w.stderr.split("\n").slice(-2)).toStrictEqual([line.trimEnd(), ""]);
  });

  it("a password in the URL stays out of the line", async () => {
    const port = await closedPort();
    const r = tilecastWithin(30_000, "status", "--redis", `redis://ops:s3cret@127.0.0.1:${port}`);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("s3cret");
  });

  it("submit without scenes, or with a list that is not there, says so", () => {
    const none = tilecastWithin(30_000, "submit", pipeline, "--redis", "redis://127.0.0.1:1");
    expect([none.code, none.stderr]).toStrictEqual([
      2,
      "tilecast: submit: name scenes as arguments or with --list FILE\n",
    ]);
    const missing = tmp("scenes.txt");
    const r = tilecastWithin(30_000, "submit", pipeline, "--list", missing, "--redis", "redis://127.0.0.1:1");
    expect([r.code, r.stderr]).toStrictEqual([1, `tilecast: ${missing}: cannot read the scene list (ENOENT)\n`]);
    writeFileSync(missing, "# nothing yet\n\n");
    const empty = tilecastWithin(30_000, "submit", pipeline, "--list", missing, "--redis", "redis://127.0.0.1:1");
    expect([empty.code, empty.stderr]).toStrictEqual([
      2,
      `tilecast: submit: name scenes as arguments or with --list FILE (${missing} lists none)\n`,
    ]);
  });
});
