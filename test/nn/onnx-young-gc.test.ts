/**
 * The ONNX session thread frees ONNX Runtime's dropped output copies with a young collection once
 * 4 MiB of them wait (`src/nn/onnx/session-worker.ts`): after every run of a large output, seldom
 * for small ones. Counted in V8's own trace (`--trace-gc`), where a collection asked for by `gc()`
 * reads "testing"; nothing else in these processes calls it.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Forced young collections in a process that runs `runs` batches of `side x side` float32 outputs. */
function forcedCollections(side: number, runs: number): number {
  const r = spawnSync(
    process.execPath,
    ["--trace-gc", "--import", "tsx", "test/helpers/onnx-runs.ts", String(side), String(runs)],
    { encoding: "utf8" },
  );
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain("done");
  return r.stdout.split("\n").filter((l) => /Scavenge.*testing/.test(l)).length;
}

describe("young collections on the ONNX session thread", () => {
  it("one after each run whose output is 4 MiB", () => {
    expect(forcedCollections(1024, 5)).toBe(5); // 1024² float32: 4 MiB an output
  }, 60_000);

  it("one per 4 MiB of small outputs, not one a run", () => {
    expect(forcedCollections(256, 40)).toBe(2); // 256 KiB an output: every 16th run
  }, 60_000);
});
