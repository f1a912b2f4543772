/**
 * WKT without EPSG codes, as GDAL, pyproj and ArcGIS write it, read as PROJ reads it: each
 * point from the CRS's own geographic CRS (also without codes) lands where PROJ puts it, in every
 * form. Before, proj4 read a WKT 2 geographic CRS without its datum shift (Carthage, GGRS87 177 m
 * and 324 m off), a WKT 2 projected one's datum only by names it knows as written (OSNI 1952
 * 59 m), NTF's Lambert zones in grads as degrees (600 km) and Paris's meridian in grads (17 km),
 * and took points between two CRSs on one shifted datum through WGS 84 and back (Helle 1954,
 * 1.85 m).
 */
import { describe, expect, it } from "vitest";
import { crsFromEpsg, parseCrs, transformPoint } from "../../src/grid/crs.js";
import { hasPyproj, py } from "../helpers/gdal.js";

interface Case {
  name: string;
  wkt: string;
  geo: string;
  point: [number, number];
  expected: [number, number];
}

// Carthage (TM), GGRS87, OSNI 1952, NTF (Paris) in grads, ATF's Paris RGS meridian, Tananarive
// (Paris) Hotine, Helle 1954, Pulkovo 1942(58) oblique stereographic, Belgian Lambert 72, NAD27
// California Albers, Michigan's scaled Lambert, Segara's Mercator, Jakarta's meridian, NZMG.
const CODES = [2088, 2100, 29901, 27572, 27500, 29702, 3058, 2172, 31370, 3309, 6201, 3000, 5329, 27200];

function cases(): Case[] {
  return py<Case[]>(`import pyproj, re, warnings
warnings.simplefilter("ignore")
strip = lambda w: re.sub(r',\\s*(AUTHORITY|ID)\\["EPSG",\\s*"?\\d+"?\\]', "", w)
out = []
for code in ${JSON.stringify(CODES)}:
    crs = pyproj.CRS(code)
    j = crs.geodetic_crs.to_json_dict()
    for ax in j["coordinate_system"]["axis"]:
        ax["unit"] = "degree"  # points in degrees, whatever the CRS's angular unit
    geo = pyproj.CRS.from_json_dict(j)
    a = crs.area_of_use
    pt = ((a.west + a.east) / 2, (a.south + a.north) / 2)
    for form in ("WKT2_2019", "WKT1_GDAL", "WKT1_ESRI"):
        w, g = crs.to_wkt(form), geo.to_wkt(form)
        if not w or not g:
            continue  # no ESRI name for it
        w, g = strip(w), strip(g)
        t = pyproj.Transformer.from_crs(pyproj.CRS(g), pyproj.CRS(w), always_xy=True)
        out.append(dict(name=f"{code} {form}", wkt=w, geo=g, point=pt, expected=list(t.transform(*pt))))
print(json.dumps(out))`);
}

/** Each code's WKT in `forms`, its codes removed, with a point and where PROJ puts it from WGS 84. */
function fromWgs84(points: [number, [number, number]][], forms = ["WKT2_2019", "WKT1_GDAL"]): Case[] {
  return py<Case[]>(`import pyproj, re, warnings
warnings.simplefilter("ignore")
strip = lambda w: re.sub(r',\\s*(AUTHORITY|ID)\\["EPSG",\\s*"?\\d+"?\\]', "", w)
out = []
for code, pt in ${JSON.stringify(points)}:
    for form in ${JSON.stringify(forms)}:
        w = strip(pyproj.CRS(code).to_wkt(form))
        t = pyproj.Transformer.from_crs("EPSG:4326", pyproj.CRS(w), always_xy=True)
        out.append(dict(name=f"{code} {form}", wkt=w, geo="", point=pt, expected=list(t.transform(*pt))))
print(json.dumps(out))`);
}

describe.skipIf(!hasPyproj)("WKT without codes, read as PROJ reads it", () => {
  it("puts each point from the CRS's own geographic CRS where PROJ does, to a millimetre", () => {
    const all = cases();
    expect(all.length).toBeGreaterThan(CODES.length * 2);
    for (const c of all) {
      expect(c.wkt, c.name).not.toMatch(/(AUTHORITY|ID)\["EPSG"/);
      const [x, y] = transformPoint(parseCrs(c.geo), parseCrs(c.wkt), c.point);
      expect(Math.hypot(x - c.expected[0], y - c.expected[1]), c.name).toBeLessThan(1e-3);
    }
  });

  it("from WGS 84 puts OSNI 1952, GGRS87 and Segara grids where PROJ does, as their codes read", () => {
    const all = fromWgs84([
      [29901, [-6.5, 54.6]],
      [2100, [23.7, 38.0]],
      [3000, [110.0, -5.0]],
    ]);
    expect(all.length).toBe(6);
    for (const c of all) {
      const [x, y] = transformPoint(crsFromEpsg(4326), parseCrs(c.wkt), c.point);
      expect(Math.hypot(x - c.expected[0], y - c.expected[1]), c.name).toBeLessThan(0.1);
      const [u, v] = transformPoint(crsFromEpsg(4326), crsFromEpsg(Number(c.name.split(" ")[0])), c.point);
      // OSNI's code rounds its shift to decimetres: 5 cm apart.
      expect(Math.hypot(x - u, y - v), `${c.name} against its code`).toBeLessThan(0.1);
    }
  });

  it("from WGS 84 takes the shift of the geographic CRS EPSG names so, as PROJ does, in every form", () => {
    // Belgian Lambert 72 (proj4's rnb72 has its signs reversed: 188 m off), Israel's grid (155 m;
    // ESRI names Israel 1993 GCS_Israel, a name EPSG has not: 78 m), RD New (171 m; ESRI names
    // its CRS GCS_Amersfoort).
    const all = fromWgs84(
      [
        [31370, [4.45, 50.5]],
        [2039, [34.93, 31.37]],
        [28992, [5.21, 52.23]],
      ],
      ["WKT2_2019", "WKT1_GDAL", "WKT1_ESRI"],
    );
    expect(all.length).toBe(9);
    for (const c of all) {
      const [x, y] = transformPoint(crsFromEpsg(4326), parseCrs(c.wkt), c.point);
      expect(Math.hypot(x - c.expected[0], y - c.expected[1]), c.name).toBeLessThan(0.01);
    }
  });
});

describe.skipIf(!hasPyproj)("EPSG's spherical Lambert azimuthal (US National Atlas, EPSG:9311)", () => {
  it("is on the sphere of the ellipsoid's area, as PROJ 9.2 and later read it, latitudes as they are", () => {
    const { wkt, expected } = py<{ wkt: string; expected: [number, number][] }>(`import pyproj, re, warnings
warnings.simplefilter("ignore")
wkt = re.sub(r',\\s*ID\\["EPSG",\\s*\\d+\\]', "", pyproj.CRS(9311).to_wkt("WKT2_2019"))
t = pyproj.Transformer.from_crs("+proj=longlat +ellps=clrk66", "+proj=laea +R_A +lat_0=45 +lon_0=-100 +ellps=clrk66", always_xy=True)
print(json.dumps(dict(wkt=wkt, expected=[list(t.transform(*p)) for p in ((-129.02, 45.135), (-90, 30), (-70, 60))])))`);
    expect(wkt).toMatch(/METHOD\["Lambert Azimuthal Equal Area \(Spherical\)"/);
    const nad27 = parseCrs("+proj=longlat +ellps=clrk66 +no_defs");
    for (const [i, p] of (
      [
        [-129.02, 45.135],
        [-90, 30],
        [-70, 60],
      ] as [number, number][]
    ).entries()) {
      const [x, y] = transformPoint(nad27, parseCrs(wkt), p);
      const [u, v] = expected[i] as [number, number];
      expect(Math.hypot(x - u, y - v), String(p)).toBeLessThan(1e-3);
    }
  });
});
