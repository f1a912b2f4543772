/**
 * Projected WKT (2, GDAL's 1 and ESRI's) of the methods proj4 reads wrongly or not at all, read
 * as PROJ reads them. Before, proj4 dropped ESRI's Mercator standard parallel (1600 km off at
 * 41°S, and a Zarr output's CF mapping said scale factor 1), dropped ESRI's equidistant
 * cylindrical parallel (6800 km), threw on Behrmann, WKT 2's Mercator (variant B), oblique
 * stereographic, cylindrical equal-area and geostationary methods, and put WKT 2's Hotine
 * oblique Mercator 270 km off.
 */
import { describe, expect, it } from "vitest";
import { crsFromEpsg, parseCrs, transformPoint } from "../../src/grid/crs.js";
import { wktProj } from "../../src/grid/wkt-proj.js";
import { tilecast } from "../helpers/cli.js";
import { hasPyproj, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

interface Case {
  name: string;
  form: string;
  wkt: string;
  ellipsoid: string;
  point: [number, number];
  expected: [number, number];
}

/** Each CRS's WKT in every form pyproj writes for it, and where PROJ, reading it, puts a point of its datum. */
function cases(): Case[] {
  return py(`import pyproj, warnings
warnings.simplefilter("ignore")
specs = [("Mercator (variant B)", "EPSG:3994", (140, -40)), ("equidistant cylindrical at 60°", "ESRI:54002", (20, 40)),
    ("equidistant cylindrical", "EPSG:4087", (20, 40)), ("EASE-Grid 2.0", "EPSG:6933", (20, 40)),
    ("Behrmann", "ESRI:54017", (20, 40)),
    ("GOES", "+proj=geos +h=35786023 +lon_0=-75 +sweep=x +ellps=GRS80", (-80, 30)),
    ("Meteosat", "+proj=geos +h=35785831 +lon_0=0 +sweep=y +a=6378169 +b=6356583.8", (10, 40)),
    ("oblique stereographic", "+proj=stere +lat_0=52 +lon_0=5 +k=0.9999 +x_0=155000 +y_0=463000 +ellps=WGS84", (6, 51)),
    ("Hotine (variant A)", "EPSG:3078", (-86, 45)), ("Hotine (variant B)", "EPSG:2057", (52.6, 27.5)),
    ("Swiss oblique Mercator", "EPSG:2056", (8, 47)), ("south-orientated Lo15", "EPSG:2046", (15, -25)),
    ("azimuthal equidistant", "ESRI:54032", (20, 40)), ("Guam", "EPSG:3295", (138.2, 9.6)),
    ("vertical perspective", "+proj=nsper +lat_0=50 +lon_0=10 +h=3000000 +ellps=WGS84", (12, 51)),
    ("US National Atlas (spherical)", "EPSG:9311", (-100, 45)),
    ("NSIDC north polar stereographic", "EPSG:3413", (-45, 75)), ("Arctic polar stereographic", "EPSG:3995", (10, 80)),
    ("Antarctic polar stereographic", "EPSG:3031", (0, -75)), ("UPS North", "EPSG:32661", (10, 85)),
    ("UPS South", "EPSG:32761", (10, -85)), ("Web Mercator", "EPSG:3857", (10, 40)),
    ("Krovak East North", "EPSG:5514", (15.5, 49.8)), ("Krovak south-west", "EPSG:5513", (15.5, 49.8)),
    ("Malaysia RSO in chains", "EPSG:3167", (102, 4)), ("Borneo RSO", "EPSG:29873", (115, 5))]
out = []
for name, spec, pt in specs:
    crs = pyproj.CRS(spec)
    e = crs.ellipsoid
    for form in ("WKT2_2019", "WKT1_GDAL", "WKT1_ESRI"):
        try:
            w = crs.to_wkt(form)
        except Exception:
            w = None
        if w and "EXTENSION[" not in w:
            # PROJ's reading of this text (ESRI's form cannot say GOES sweeps x: PROJ reads y).
            own = pyproj.CRS.from_wkt(w)
            x, y = pyproj.Transformer.from_crs(own.geodetic_crs, own, always_xy=True).transform(*pt)
            out.append(dict(name=name, form=form, wkt=w, point=pt, expected=[x, y],
                ellipsoid=f"+a={e.semi_major_metre} +rf={e.inverse_flattening}"))
print(json.dumps(out))`);
}

describe.skipIf(!hasPyproj)("WKT that proj4 misreads, read as PROJ reads it", () => {
  it("puts each point where PROJ does, from every form of the WKT", () => {
    const all = cases();
    expect(all.length).toBeGreaterThan(30);
    for (const c of all) {
      const unnamed = c.wkt.replace(/,(ID\["EPSG",\d+\]|AUTHORITY\["EPSG","\d+"\])\]$/, "]");
      // From the CRS's own geographic CRS, its datum as tilecast reads it (a shift proj4 knows for
      // its name included), so the point stays on its datum, as PROJ's does.
      const datum = (wktProj(unnamed) ?? "").split(" ").filter((t) => /^\+(a|rf|R|towgs84|datum)=/.test(t));
      const own = parseCrs(`+proj=longlat ${datum.length > 0 ? datum.join(" ") : c.ellipsoid} +no_defs`);
      const [x, y] = transformPoint(own, parseCrs(unnamed), c.point);
      // Within 10 µm, datum shift or not: between CRSs on one datum no shift is applied (proj4
      // took the point through WGS 84 and back, 1.3 mm off here).
      expect(Math.hypot(x - c.expected[0], y - c.expected[1]), `${c.name} ${c.form}`).toBeLessThan(1e-5);
    }
  });

  it("keeps the datum shift proj4 knows for the datum's name or code: from WGS 84 where pyproj puts it", () => {
    // Swiss CH1903+, Iran's Rassadiran and S-JTSK, their WKT without the CRS's code: this module
    // dropped the shift proj4 had found (165 m and 120 m off); Krovak south-west was 2482 km off.
    const cases = py<
      { name: string; wkt: string; point: [number, number]; expected: [number, number] }[]
    >(`import pyproj, re, warnings
warnings.simplefilter("ignore")
out = []
for code, pt, forms in ((2056, (8.2, 46.8), ("WKT2_2019", "WKT1_GDAL", "WKT1_ESRI")), (2057, (52.6, 27.5), ("WKT2_2019", "WKT1_GDAL", "WKT1_ESRI")),
                        (5514, (15.5, 49.8), ("WKT2_2019",)), (5513, (15.5, 49.8), ("WKT2_2019",))):
    for form in forms:
        w = re.sub(r',(ID|AUTHORITY)\\["EPSG","?\\d+"?\\]\\]$', "]", pyproj.CRS(code).to_wkt(form))
        t = pyproj.Transformer.from_crs("EPSG:4326", pyproj.CRS(w), always_xy=True)
        out.append(dict(name=f"{code} {form}", wkt=w, point=pt, expected=list(t.transform(*pt))))
print(json.dumps(out))`);
    expect(cases.length).toBe(8);
    for (const c of cases) {
      expect(c.wkt, c.name).not.toMatch(/(ID\["EPSG",\d+\]|AUTHORITY\["EPSG","\d+"\])\]$/);
      const [x, y] = transformPoint(crsFromEpsg(4326), parseCrs(c.wkt), c.point);
      // S-JTSK takes EPSG's shift for Czechia and Slovakia both (6 m), as its code does; PROJ
      // picks Czechia's own for this point, 6.9 m away.
      const sJtsk = c.name.startsWith("551");
      expect(Math.hypot(x - c.expected[0], y - c.expected[1]), c.name).toBeLessThan(sJtsk ? 7.5 : 0.1);
      const [u, v] = transformPoint(crsFromEpsg(4326), crsFromEpsg(Number(c.name.split(" ")[0])), c.point);
      expect(Math.hypot(x - u, y - v), `${c.name} against its code`).toBeLessThan(1e-3);
    }
  });

  it("leaves the methods it does not read, and what is not WKT, to proj4; reads a geographic CRS", () => {
    expect(wktProj(crsFromEpsg(8857).wkt ?? "")).toBeNull(); // Equal Earth
    expect(wktProj(crsFromEpsg(54009).wkt ?? "")).toBeNull(); // Mollweide
    expect(wktProj("+proj=merc")).toBeNull();
    expect(wktProj(crsFromEpsg(4326).wkt ?? "")).toBe("+proj=longlat +datum=WGS84 +no_defs");
    expect(wktProj(crsFromEpsg(32633).wkt ?? "")).toBe(
      "+proj=tmerc +lat_0=0 +lon_0=15 +k_0=0.9996 +x_0=500000 +y_0=0 +datum=WGS84 +units=m +no_defs",
    );
  });

  it("a Zarr output of a store in ESRI's Mercator keeps its standard parallel in CF's mapping", () => {
    const dir = tmp("esri-merc");
    const esri = py<string>(`import pyproj, xarray as xr
crs = pyproj.CRS("EPSG:3994")
esri = crs.to_wkt("WKT1_ESRI")
x0, y0 = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(120, -30)
ds = xr.Dataset({"t": (("y", "x"), np.arange(12, dtype="f4").reshape(3, 4), {"grid_mapping": "spatial_ref"}),
                 "spatial_ref": ((), 0, {"spatial_ref": esri})},
                coords={"y": ("y", y0 - 1000 * np.arange(3), {"units": "m"}), "x": ("x", x0 + 1000 * np.arange(4), {"units": "m"})})
ds.to_zarr(${JSON.stringify(dir)} + "/in.zarr", mode="w")
print(json.dumps(esri))`);
    expect(esri).toMatch(/PROJECTION\["Mercator"\].*"Standard_Parallel_1",-41/);
    expect(tilecast("convert", `${dir}/in.zarr`, `${dir}/out.zarr`, "--var", "t", "-q").code).toBe(0);
    // Where CF's parameters alone put a point, against the WKT's: the same to a millimetre.
    const apart = py<number>(`import pyproj
attrs = json.load(open(${JSON.stringify(`${dir}/out.zarr/spatial_ref/.zattrs`)}))
cf = pyproj.CRS.from_cf({k: v for k, v in attrs.items() if k not in ("crs_wkt", "spatial_ref", "GeoTransform")})
a = pyproj.Transformer.from_crs(4326, cf, always_xy=True).transform(120, -30)
b = pyproj.Transformer.from_crs(4326, pyproj.CRS.from_wkt(${JSON.stringify(esri)}), always_xy=True).transform(120, -30)
print(json.dumps(math.hypot(a[0] - b[0], a[1] - b[1])))`);
    expect(apart).toBeLessThan(1e-3);
  });
});

describe.skipIf(!hasPyproj)("Krovak's WKT 1 without axes", () => {
  it("is south-west where it names no code, east-north where it does, as PROJ reads each", () => {
    const cases = py<{ bare: boolean; wkt: string; expected: [number, number] }[]>(`import pyproj, re, warnings
warnings.simplefilter("ignore")
out = []
for code in (5513, 8352, 2065):
    crs = pyproj.CRS(code)
    coded = re.sub(r',AUTHORITY\\["EPSG","\\d+"\\]\\]$', "]", crs.to_wkt("WKT1_GDAL"))
    for bare, w in ((False, coded), (True, re.sub(r',AUTHORITY\\["EPSG","\\d+"\\]', "", coded))):
        own = pyproj.CRS(w)
        t = pyproj.Transformer.from_crs(own.geodetic_crs, own, always_xy=True)
        out.append(dict(bare=bare, wkt=w, expected=list(t.transform(15.5, 49.8))))
print(json.dumps(out))`);
    expect(cases.length).toBe(6);
    for (const c of cases) {
      expect(c.wkt).not.toMatch(/AXIS\[/);
      expect(/AUTHORITY\[/.test(c.wkt)).toBe(!c.bare);
      // From its own geographic CRS: the datum (and shift) as tilecast reads it, Ferro's meridian.
      const datum = (wktProj(c.wkt) ?? "").split(" ").filter((t) => /^\+(a|rf|towgs84|pm)=/.test(t));
      const [x, y] = transformPoint(
        parseCrs(`+proj=longlat ${datum.join(" ")} +no_defs`),
        parseCrs(c.wkt),
        [15.5, 49.8],
      );
      expect(Math.hypot(x - c.expected[0], y - c.expected[1]), c.wkt.slice(0, 60)).toBeLessThan(1e-3);
    }
  });
});
