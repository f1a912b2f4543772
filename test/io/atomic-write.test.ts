/**
 * Files written whole (`atomicWrite`: evaluate's --out and --plot, a model's card, a training
 * history, a cycle record, a store's chunks) are refused where a file must not go, and a failure
 * leaves nothing behind. Before, `tilecast evaluate ... --out DIR` failed with "internal error:
 * EISDIR" and left `DIR.tmp-PID-HEX` beside it, which no sweep removed.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { atomicWrite, discard, tempPathFor } from "../../src/io/atomic.js";
import { writeLineChart } from "../../src/io/png/line-chart.js";
import { tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const labels = "fixtures/scene-seg/test.labels.u8.tif";

describe("atomicWrite", () => {
  it("refuses a directory, and the command says so in one line with nothing left", async () => {
    const dir = tmp("atomic-write-dir");
    mkdirSync(join(dir, "d"), { recursive: true });
    writeFileSync(join(dir, "d", "kept"), "x");
    const out = join(dir, "d");
    const refusal = `${out}: is a directory; refusing to replace it (remove it first)`;
    const r = tilecast("evaluate", labels, labels, "--classes", "4", "--out", out);
    expect([r.code, r.stderr]).toStrictEqual([1, `tilecast: ${refusal}\n`]);
    // A plot (evaluate --plot, training curves) is written the same way.
    const chart = { title: "loss", x: "epoch", y: "loss", series: [{ name: "train", points: [[1, 0.5]] as const }] };
    await expect(writeLineChart(out, chart)).rejects.toThrow(refusal);
    expect(readdirSync(dir)).toStrictEqual(["d"]);
    expect(readdirSync(out)).toStrictEqual(["kept"]);
  });

  it("a write that fails is an E_WRITE naming the file, and its temporary is gone", async () => {
    const dir = tmp("atomic-write-fail");
    mkdirSync(dir);
    writeFileSync(join(dir, "file"), "x");
    const out = join(dir, "file", "scores.json");
    await expect(atomicWrite(out, "{}")).rejects.toMatchObject({
      code: "E_WRITE",
      message: `${out}: cannot write the file (ENOTDIR)`,
    });
    expect(readdirSync(dir)).toStrictEqual(["file"]);
  });

  it("replaces a file whole, creating its directory, and leaves only the file", async () => {
    const dir = tmp("atomic-write-ok");
    const out = join(dir, "deep", "scores.json");
    await atomicWrite(out, "one");
    await atomicWrite(out, "two");
    expect(readFileSync(out, "utf8")).toBe("two");
    expect(readdirSync(join(dir, "deep"))).toStrictEqual(["scores.json"]);
  });

  it("a temporary store discarded while its chunks are written is gone, and stays gone", async () => {
    const dir = tmp("atomic-write-discard");
    mkdirSync(dir);
    const store = tempPathFor(join(dir, "out.zarr"));
    mkdirSync(join(store, "band_data"), { recursive: true });
    // Chunks in flight when the run fails (another chunk found the disk full), then one whose
    // encoding finished after: the first raced the removal, the last made the directory again.
    const inFlight = Array.from({ length: 64 }, (_, i) =>
      atomicWrite(join(store, "band_data", `0.${i}`), new Uint8Array(4096)).catch((e: Error) => e),
    );
    await discard(store);
    const late = await atomicWrite(join(store, "band_data", "1.0"), "x").catch((e: Error) => e);
    await Promise.all(inFlight);
    expect(readdirSync(dir)).toStrictEqual([]);
    expect(late).toMatchObject({
      code: "E_WRITE",
      message: `${join(store, "band_data", "1.0")}: cannot write the file (its output was abandoned after a failure)`,
    });
  });
});
