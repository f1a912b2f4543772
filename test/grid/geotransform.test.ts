import { describe, expect, it } from "vitest";
import {
  bounds,
  isNorthUp,
  pixelToWorld,
  shiftHalfPixel,
  windowTransform,
  worldToPixel,
} from "../../src/grid/geotransform.js";

describe("geotransform", () => {
  const utm = [500000, 10, 0, 4600000, 0, -10] as const;
  const rot = [500000, 8.660254037844387, 5, 4600000, 5, -8.660254037844387] as const; // 30° rotation

  it("maps pixel corners and centres to world coordinates", () => {
    expect(pixelToWorld(utm, 0, 0)).toStrictEqual([500000, 4600000]);
    expect(pixelToWorld(utm, 0.5, 0.5)).toStrictEqual([500005, 4599995]);
    expect(pixelToWorld(rot, 1, 0)).toStrictEqual([500008.6602540378, 4600005]);
    expect(pixelToWorld(rot, 0, 1)).toStrictEqual([500005, 4599991.339745962]);
  });
  it("inverts exactly enough, rotated or not", () => {
    for (const gt of [utm, rot]) {
      for (const [c, r] of [
        [0, 0],
        [13.25, 7.5],
        [-3, 100],
      ] as const) {
        const [X, Y] = pixelToWorld(gt, c, r);
        const [c2, r2] = worldToPixel(gt, X, Y);
        expect(c2).toBeCloseTo(c, 9);
        expect(r2).toBeCloseTo(r, 9);
      }
    }
    expect(() => worldToPixel([0, 1, 1, 0, 1, 1], 0, 0)).toThrow(/singular/);
  });
  it("moves the origin for a sub-window and computes bounds", () => {
    expect(windowTransform(utm, { x: 3, y: 2 })).toStrictEqual([500030, 10, 0, 4599980, 0, -10]);
    expect(bounds(utm, 40, 24)).toStrictEqual([500000, 4599760, 500400, 4600000]);
    const [minX, minY, maxX, maxY] = bounds(rot, 2, 2);
    expect([minX, minY, maxX, maxY]).toStrictEqual([500000, 4599982.679491924, 500027.3205080757, 4600010]);
    expect(isNorthUp(utm)).toBe(true);
    expect(isNorthUp(rot)).toBe(false);
  });
  it("shifts PixelIsPoint transforms by half a pixel and back", () => {
    const corner = shiftHalfPixel(utm, -1);
    expect(corner).toStrictEqual([499995, 10, 0, 4600005, 0, -10]);
    expect(shiftHalfPixel(corner, 1)).toStrictEqual(utm);
  });
});
