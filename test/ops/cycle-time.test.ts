import { describe, expect, it } from "vitest";
import { fillCycle, parseCycle, usesCycle } from "../../src/ops/cycle-time.js";

describe("cycle times in pipeline files", () => {
  const t = parseCycle("2026-02-03T04:05:06Z");

  it("formats strftime fields in UTC", () => {
    expect(fillCycle("a/{cycle:%Y/%m/%d}/b_{cycle:%Y%m%dT%H%M%SZ}_{cycle:%j}_{cycle:%y}.tif", t)).toBe(
      "a/2026/02/03/b_20260203T040506Z_034_26.tif",
    );
    expect(fillCycle("{cycle}", t)).toBe("2026-02-03T04:05:06.000Z");
    expect(fillCycle("100%% {cycle:%H%%}", t)).toBe("100%% 04%");
    expect(usesCycle("x/{cycle:%Y}")).toBe(true);
    expect(usesCycle("x/{cyclone}")).toBe(false);
  });

  it("an unknown field or a time that is not one is an error naming it", () => {
    expect(() => fillCycle("{cycle:%Q}", t)).toThrow("{cycle:%Q}: unknown field %Q");
    expect(() => parseCycle("yesterday")).toThrow("--cycle: 'yesterday' is not an ISO 8601 time");
  });
});
