/**
 * A CRS given by its parameters and its names (CF's, as pyproj's `to_cf` writes them) is the EPSG
 * code the names name where the two define the same CRS, and no code where they do not.
 */
import { describe, expect, it } from "vitest";
import { parseCrs } from "../../src/grid/crs.js";
import { namedEpsg } from "../../src/grid/epsg-names.js";

const UTM33 = "+proj=tmerc +lon_0=15 +k_0=0.9996 +x_0=500000 +a=6378137 +rf=298.257223563 +units=m";
const LAEA = "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +a=6378137 +rf=298.257222101 +units=m";

describe("namedEpsg", () => {
  it("takes the code the projected or geographic name names where the definition is the same", () => {
    expect(namedEpsg(parseCrs(UTM33), { crs: "WGS 84 / UTM zone 33N", gcs: "WGS 84" })).toBe(32633);
    expect(namedEpsg(parseCrs("+proj=longlat +a=6378137 +rf=298.257223563"), { gcs: "WGS 84" })).toBe(4326);
    // NAD83's datum shift is not in CF's parameters; the name gives the datum.
    const nad = "+proj=tmerc +lon_0=-93 +k_0=0.9996 +x_0=500000 +a=6378137 +rf=298.257222101 +units=m";
    expect(namedEpsg(parseCrs(nad), { crs: "NAD83 / UTM zone 15N" })).toBe(26915);
  });

  it("finds a code renamed between EPSG releases among those on the geographic CRS", () => {
    // The name before EPSG's 2019 one, which the tables have ("ETRS89-extended / LAEA Europe").
    expect(namedEpsg(parseCrs(LAEA), { crs: "ETRS89 / LAEA Europe", gcs: "ETRS89" })).toBe(3035);
    expect(namedEpsg(parseCrs(LAEA), { crs: "ETRS89 / LAEA Europe" })).toBeNull();
  });

  it("gives no code where the names name another CRS than the parameters define", () => {
    expect(namedEpsg(parseCrs(UTM33.replace("lon_0=15", "lon_0=16")), { crs: "WGS 84 / UTM zone 33N" })).toBeNull();
    expect(namedEpsg(parseCrs(`${UTM33.replace("units=m", "units=km")}`), { crs: "WGS 84 / UTM zone 33N" })).toBeNull();
    expect(
      namedEpsg(parseCrs(UTM33.replace("rf=298.257223563", "rf=298.3")), { crs: "WGS 84 / UTM zone 33N" }),
    ).toBeNull();
    expect(namedEpsg(parseCrs(UTM33), { crs: "No such CRS", gcs: "No such datum" })).toBeNull();
  });
});
