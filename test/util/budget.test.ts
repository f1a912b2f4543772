/**
 * The memory budget's sizes: decimal and binary units, and Kubernetes' spellings of a pod's memory
 * limit (`2G`, `512Mi`); `1TB` was refused as not a size. Anything else is refused in one line.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseBytes } from "../../src/util/budget.js";
import { BIN } from "../helpers/cli.js";

describe("TILECAST_MEMORY_BUDGET sizes", () => {
  it("reads the units people write", () => {
    expect(parseBytes("2GiB")).toBe(2 * 1024 ** 3);
    expect(parseBytes("512MB")).toBe(512e6);
    expect(parseBytes("1TB")).toBe(1e12);
    expect(parseBytes("1 TiB")).toBe(1024 ** 4);
    expect(parseBytes("2G")).toBe(2e9);
    expect(parseBytes("512Mi")).toBe(512 * 1024 ** 2);
    expect(parseBytes("1e9")).toBe(1e9);
    for (const bad of ["garbage", "0", "-1GiB", "2 GB RAM", "1PB"]) expect(parseBytes(bad), bad).toBe(null);
  });

  it("refuses what is not a size in one line", () => {
    const r = spawnSync(process.execPath, [BIN, "inspect", "fixtures/demo/scene.s2like.u16.4b.tif"], {
      encoding: "utf8",
      env: { ...process.env, TILECAST_MEMORY_BUDGET: "lots" },
    });
    expect(r.status).toBe(2); // a usage error
    expect(r.stderr).toBe("tilecast: TILECAST_MEMORY_BUDGET must be a size such as 2GiB, 512MB or 1TB, got 'lots'\n");
  });
});
