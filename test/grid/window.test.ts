import { describe, expect, it } from "vitest";
import { area, contains, intersect, isEmpty, pad, relativeTo, win } from "../../src/grid/window.js";

describe("window algebra", () => {
  it("intersects overlapping and disjoint windows", () => {
    expect(intersect(win(0, 0, 10, 10), win(5, 5, 10, 10))).toStrictEqual(win(5, 5, 5, 5));
    expect(intersect(win(0, 0, 4, 4), win(4, 0, 4, 4))).toStrictEqual(win(4, 0, 0, 4));
    expect(isEmpty(intersect(win(0, 0, 4, 4), win(10, 10, 2, 2)))).toBe(true);
  });
  it("pads by a halo on every side and clips back to the raster", () => {
    const halo = pad(win(0, 0, 256, 256), 32);
    expect(halo).toStrictEqual(win(-32, -32, 320, 320));
    expect(intersect(halo, win(0, 0, 1000, 1000))).toStrictEqual(win(0, 0, 288, 288));
  });
  it("contains, relativeTo and area", () => {
    expect(contains(win(0, 0, 10, 10), win(2, 3, 8, 7))).toBe(true);
    expect(contains(win(0, 0, 10, 10), win(2, 3, 9, 7))).toBe(false);
    expect(relativeTo(win(12, 7, 3, 3), win(10, 5, 8, 8))).toStrictEqual(win(2, 2, 3, 3));
    expect(area(win(0, 0, 3, 4))).toBe(12);
    expect(area(win(0, 0, -3, 4))).toBe(0);
  });
});
