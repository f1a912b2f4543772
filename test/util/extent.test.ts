/**
 * `minOf` / `maxOf` answer as `Math.min` / `Math.max` do, for any number of values: spreading
 * 200 000 of them into `Math.min` throws "Maximum call stack size exceeded".
 */
import { describe, expect, it } from "vitest";
import { lineChartSvg } from "../../src/io/png/line-chart.js";
import { maxOf, minOf } from "../../src/util/extent.js";

describe("minOf and maxOf", () => {
  it("agree with Math.min and Math.max on small inputs, NaN and none included", () => {
    for (const v of [[3, -1, 2], [5], [], [1, Number.NaN, 0], [Number.POSITIVE_INFINITY, 1]]) {
      expect(minOf(v)).toBe(Math.min(...v));
      expect(maxOf(v)).toBe(Math.max(...v));
    }
  });

  it("take a million values, typed arrays too", () => {
    const a = Float64Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i) * i);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of a) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    expect(() => Math.min(...a)).toThrow(RangeError);
    expect(minOf(a)).toBe(lo);
    expect(maxOf(Array.from(a))).toBe(hi);
  });

  it("a line chart of 200 000 points spans its values", () => {
    const points = Array.from({ length: 200_000 }, (_, i) => [i, (i % 1000) / 10] as [number, number]);
    const svg = lineChartSvg({ title: "t", x: "step", y: "loss", series: [{ name: "loss", points }] });
    expect(svg).toContain(">99.9<"); // the top gridline's label: the greatest value
  });
});
