import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runWorkload, type Side, TUNABLES, type Workload, withMmapThreshold } from "../../bench/harness.js";
import { tmp } from "../helpers/write.js";

/** A side that appends a line to `log` and prints `line` as its JSON result. */
function side(tool: string, log: string, line: Record<string, number>, extra: Partial<Side> = {}): Side {
  const script = `require("fs").appendFileSync(${JSON.stringify(log)}, "x\\n"); console.log(${JSON.stringify(JSON.stringify(line))})`;
  return { tool, cmd: process.execPath, args: ["-e", script], ...extra };
}

const runsOf = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").split("\n").length - 1 : 0);

describe.skipIf(!existsSync("/usr/bin/time"))("bench harness", () => {
  it("warms each side up once, then takes turns; the ratio is of the medians against the target", () => {
    const [a, b] = [tmp("a"), tmp("b")];
    const w: Workload = {
      group: "g",
      name: "w",
      unit: "x/s",
      quick: true,
      runs: 2,
      tilecast: side("ours", a, { rate: 6 }, { field: "rate" }),
      reference: side("theirs", b, { rate: 4 }, { field: "rate" }),
      target: { min: 1.6 },
      setup: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200),
    };
    const o = runWorkload(w, false);
    expect([runsOf(a), runsOf(b)]).toEqual([3, 3]);
    expect(o.tilecast.throughput).toBe(6);
    expect(o.reference?.throughput).toBe(4);
    expect(o.ratio).toBe(1.5);
    expect(o.met).toBe(false);
    expect(o.setupSeconds).toBeGreaterThanOrEqual(0.19);
    expect(o.seconds).toBeGreaterThan(o.setupSeconds as number);
    expect(runWorkload({ ...w, warmup: false, target: { min: 1.5 } }, false).met).toBe(true);
    expect([runsOf(a), runsOf(b)]).toEqual([5, 5]);
  });

  it("runs a shared side once for the rows that share it, each reading its own field", () => {
    const [plain, resumed, sharded] = [tmp("plain"), tmp("resumed"), tmp("sharded")];
    const whole = (field: string) => side("one run", plain, { perHour: 60, perCpuHour: 30 }, { field, share: "h1" });
    const first = runWorkload(
      {
        group: "g",
        name: "resume",
        unit: "runs/h",
        quick: false,
        runs: 1,
        warmup: false,
        tilecast: side("resumed", resumed, { perHour: 120 }, { field: "perHour" }),
        reference: whole("perHour"),
      },
      false,
    );
    const second = runWorkload(
      {
        group: "g",
        name: "shards",
        unit: "runs/CPU-h",
        quick: false,
        runs: 1,
        warmup: false,
        tilecast: side("shards", sharded, { perCpuHour: 27 }, { field: "perCpuHour" }),
        reference: whole("perCpuHour"),
      },
      false,
    );
    expect(runsOf(plain)).toBe(1);
    expect([runsOf(resumed), runsOf(sharded)]).toEqual([1, 1]);
    expect([first.ratio, first.reference?.shared]).toEqual([2, undefined]);
    expect([second.ratio, second.reference?.shared]).toEqual([0.9, true]);
    expect(second.reference?.wallS).toBe(first.reference?.wallS);
  });

  it("compares memory rows by the median peak RSS of the runs, and gives their range", () => {
    // The n-th run of this side holds 40, 240, then 100 MB; the reference 100 MB every time.
    const hold = (log: string, sizes: number[]) =>
      `const fs = require("fs"); const n = fs.existsSync(${JSON.stringify(log)}) ? fs.readFileSync(${JSON.stringify(log)}, "utf8").length : 0;` +
      `fs.appendFileSync(${JSON.stringify(log)}, "x"); const b = Buffer.alloc(${JSON.stringify(sizes)}[n % 3] * 1048576, 1); console.log(JSON.stringify({ n: b.length }))`;
    const o = runWorkload(
      {
        group: "g",
        name: "memory",
        unit: "MB",
        quick: false,
        runs: 3,
        warmup: false,
        tilecast: { tool: "ours", cmd: process.execPath, args: ["-e", hold(tmp("ours"), [40, 240, 100])] },
        reference: { tool: "theirs", cmd: process.execPath, args: ["-e", hold(tmp("theirs"), [100, 100, 100])] },
        target: { max: 1.1, memory: true },
      },
      false,
    );
    const [low, high] = o.tilecast.rssSpread;
    expect(high - low).toBeGreaterThan(180); // the 240 MB run against the 40 MB one
    expect(o.tilecast.peakRssMb).toBeGreaterThan(low + 40);
    expect(o.tilecast.peakRssMb).toBeLessThan(high - 100);
    expect(o.ratio).toBeGreaterThan(0.9); // the medians, both runs of 100 MB; the highest would give about 1.9
    expect(o.ratio).toBeLessThan(1.1);
    expect(o.met).toBe(true);
  });

  it("runs every side with malloc's huge pages, its top pad and a fixed mmap threshold", () => {
    // A top pad alone turns glibc's dynamic mmap threshold off: the fixed one stands in for it.
    expect(withMmapThreshold("glibc.malloc.top_pad=1")).toBe(
      "glibc.malloc.top_pad=1:glibc.malloc.mmap_threshold=33554432",
    );
    expect(withMmapThreshold("")).toBe("glibc.malloc.mmap_threshold=33554432");
    expect(withMmapThreshold("a=1:glibc.malloc.mmap_threshold=4096")).toBe("a=1:glibc.malloc.mmap_threshold=4096");
    const seen = `const t = process.env.GLIBC_TUNABLES.split(":"); console.log(JSON.stringify({ n: ["glibc.malloc.hugetlb=1", "glibc.malloc.top_pad=67108864", "glibc.malloc.mmap_threshold=33554432"].filter((s) => t.includes(s)).length }))`;
    const run = (tool: string) => ({ tool, cmd: process.execPath, args: ["-e", seen], field: "n" });
    const o = runWorkload(
      {
        group: "g",
        name: "env",
        unit: "n",
        quick: true,
        runs: 1,
        warmup: false,
        tilecast: run("ours"),
        reference: run("theirs"),
      },
      false,
    );
    expect([o.tilecast.throughput, o.reference?.throughput]).toEqual([3, 3]);
    expect(TUNABLES.split(":").filter((s) => s.startsWith("glibc.malloc.mmap_threshold="))).toHaveLength(1);
  });
});
