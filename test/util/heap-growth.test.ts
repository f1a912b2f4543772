import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from "../../src/util/heap-growth.js";

describe("heapGrowthFlag", () => {
  it("asks for tilecast's growth by default", () => {
    expect(heapGrowthFlag([], {})).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(HEAP_GROWING_PERCENT).toBe(200);
  });

  it("takes the percentage from TILECAST_HEAP_GROWING_PERCENT, 0 leaving V8's own", () => {
    expect(heapGrowthFlag([], { TILECAST_HEAP_GROWING_PERCENT: "350" })).toBe("--heap-growing-percent=350");
    expect(heapGrowthFlag([], { TILECAST_HEAP_GROWING_PERCENT: "0" })).toBeNull();
    expect(() => heapGrowthFlag([], { TILECAST_HEAP_GROWING_PERCENT: "lots" })).toThrow(
      "TILECAST_HEAP_GROWING_PERCENT must be a whole number >= 0, got 'lots'",
    );
    expect(() => heapGrowthFlag([], { TILECAST_HEAP_GROWING_PERCENT: "1.5" })).toThrow("whole number");
  });

  it("leaves a growth Node was started with alone", () => {
    expect(heapGrowthFlag(["--heap-growing-percent=50"], {})).toBeNull();
    expect(heapGrowthFlag(["--heap_growing_percent", "50"], {})).toBeNull();
    expect(heapGrowthFlag(["--heap-growing-percentage=5"], {})).toBe("--heap-growing-percent=200");
  });

  it("the tilecast command refuses a bad TILECAST_HEAP_GROWING_PERCENT in one line", () => {
    const r = spawnSync(process.execPath, ["bin/tilecast.js", "--version"], {
      encoding: "utf8",
      env: { ...process.env, TILECAST_HEAP_GROWING_PERCENT: "-3" },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("tilecast: TILECAST_HEAP_GROWING_PERCENT must be a whole number >= 0, got '-3'");
  });
});
