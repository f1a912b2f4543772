import { describe, expect, it } from "vitest";
import { linearUnitCode, linearUnitOf } from "../../../src/io/geotiff/linear-units.js";

describe("GeoKeys' linear units", () => {
  it("read as PROJ terms, by EPSG code or by size", () => {
    expect(linearUnitOf(9003, undefined)).toStrictEqual({ metres: 1200 / 3937, term: "+units=us-ft" });
    expect(linearUnitOf(9036, undefined)).toStrictEqual({ metres: 1000, term: "+units=km" });
    expect(linearUnitOf(9005, undefined)).toStrictEqual({ metres: 0.3047972654, term: "+to_meter=0.3047972654" });
    expect(linearUnitOf(32767, 0.5)).toStrictEqual({ metres: 0.5, term: "+to_meter=0.5" });
    expect(linearUnitOf(undefined, undefined)).toStrictEqual({ metres: 1, term: "+units=m" });
    expect(linearUnitOf(32767, undefined)).toStrictEqual({ metres: 1, term: "+units=m" });
  });

  it("written as the EPSG code of the size, else user-defined with the size", () => {
    expect(linearUnitCode(1)).toStrictEqual({ code: 9001 });
    expect(linearUnitCode(0.3048006096012192)).toStrictEqual({ code: 9003 });
    expect(linearUnitCode(1000)).toStrictEqual({ code: 9036 });
    expect(linearUnitCode(0.5)).toStrictEqual({ code: 32767, size: 0.5 });
  });
});
