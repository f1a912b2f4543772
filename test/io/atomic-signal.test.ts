/**
 * Ctrl-C while a temporary output is being created: the file appears on libuv's thread pool,
 * after the signal handler may already have swept. It must be swept too, and the process must
 * still exit 130. A child process creates temporaries and takes SIGINT while they are opening.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tmp } from "../helpers/write.js";

const ATOMIC = resolve("src/io/atomic.ts");

describe("temporary outputs and Ctrl-C", () => {
  it("a temporary being created when SIGINT is handled is removed, and the exit code is 130", () => {
    const dir = dirname(tmp("x"));
    const script = join(dir, "child.mts");
    writeFileSync(
      script,
      `import { installCleanupHandlers, openTemp, tempPathFor } from ${JSON.stringify(ATOMIC)};
installCleanupHandlers();
const target = ${JSON.stringify(join(dir, "out.tif"))};
// Eight opens in flight on the thread pool, then Ctrl-C before any of them has resumed.
for (let i = 0; i < 8; i++) void openTemp(target, tempPathFor(target));
process.emit("SIGINT", "SIGINT");
setTimeout(() => process.exit(7), 5000); // the handler must exit first
`,
    );
    for (let run = 0; run < 5; run++) {
      const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" });
      expect(r.status).toBe(130);
      expect(readdirSync(dir).filter((f) => f.includes("tilecast-tmp"))).toStrictEqual([]);
    }
  });
});
