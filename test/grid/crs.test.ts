import { describe, expect, it } from "vitest";
import { crsFromEpsg, epsgKind, parseCrs, sameCrs, transformPoint } from "../../src/grid/crs.js";

describe("crs", () => {
  it("looks EPSG codes up offline", () => {
    const utm = crsFromEpsg(32633);
    expect(utm.proj4).toBe("+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs +type=crs");
    expect(utm.wkt).toMatch(/^PROJCS\["WGS 84 \/ UTM zone 33N"/);
    expect(epsgKind(4326)).toBe("geographic");
    expect(epsgKind(3035)).toBe("projected");
    expect(epsgKind(5773)).toBe("other"); // a vertical CRS
  });
  it("parses EPSG:n, WKT with an authority, and PROJ strings", () => {
    expect(parseCrs("EPSG:4326").epsg).toBe(4326);
    expect(parseCrs(crsFromEpsg(3857).wkt ?? "").epsg).toBe(3857);
    expect(parseCrs("+proj=longlat +datum=WGS84").proj4).toBe("+proj=longlat +datum=WGS84");
    expect(() => parseCrs("nonsense")).toThrow(/cannot parse CRS/);
    // A code the index lacks has no definition to write or transform with.
    expect(() => parseCrs("EPSG:32799")).toThrow(/^EPSG:32799 is not in the bundled EPSG index$/);
    expect(sameCrs(crsFromEpsg(4326), parseCrs("4326"))).toBe(true);
  });
  it("transforms points: 15°E on the equator is UTM 33N's false easting", () => {
    const [x, y] = transformPoint(crsFromEpsg(4326), crsFromEpsg(32633), [15, 0]);
    expect(x).toBeCloseTo(500000, 6);
    expect(y).toBeCloseTo(0, 6);
  });
});
