import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStdioShim, STDIO_SHIM } from "../../src/nn/native/stdio-shim.js";
import { nodeGyp } from "../../src/nn/native/toolchain.js";

const dir = mkdtempSync(join(tmpdir(), "tilecast-stderr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The addon, compiled as `tilecast native build` compiles it (node-gyp and a C compiler).
beforeAll(async () => {
  if (!nodeGyp()) console.warn("stdio addon test skipped: node-gyp was not found beside npm");
  else await buildStdioShim(dir, dir, Number(process.versions.napi) >= 8 ? 8 : 3);
}, 120_000);

// A child process, so that this test runner's own stderr is never touched.
const child = (shim: string) => `
import { writeSync } from "node:fs";
import { createRequire } from "node:module";
import { withStderrSilenced } from "./src/util/quiet-stderr.ts";
const calls = createRequire(import.meta.url)(${JSON.stringify(shim)});
writeSync(2, "before\\n");
const v = withStderrSilenced(calls, () => { writeSync(2, "hidden\\n"); return 42; });
writeSync(2, "after " + v + "\\n");
try { withStderrSilenced(calls, () => { process.stderr.write("hidden too\\n"); throw new Error("boom"); }); }
catch (e) { writeSync(2, "caught " + e.message + "\\n"); }
process.stderr.write("stream still writes\\n");
try { calls.dup2(12345, 2); } catch (e) { writeSync(2, "dup2: " + e.message + "\\n"); }
`;
const EXPECTED = "before\nafter 42\ncaught boom\nstream still writes\ndup2: Bad file descriptor\n";

function runChild(stderr: "pipe" | number): string {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", child(join(dir, STDIO_SHIM))],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", stderr],
    },
  );
  expect(r.status, r.stderr ?? "").toBe(0);
  return r.stderr ?? "";
}

describe.skipIf(!nodeGyp())("withStderrSilenced with the compiled dup/dup2 addon", () => {
  it("drops what reaches descriptor 2 inside it and restores a socket (a parent Node's pipe) after a return and a throw", () => {
    expect(runChild("pipe")).toBe(EXPECTED);
  });

  it("restores stderr redirected to a file, appending after what was there", () => {
    const file = join(dir, "err.log");
    writeFileSync(file, "earlier\n");
    const fd = openSync(file, "a");
    runChild(fd);
    closeSync(fd);
    expect(readFileSync(file, "utf8")).toBe(`earlier\n${EXPECTED}`);
  });
});
