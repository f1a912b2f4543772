/**
 * CRSs that are not EPSG codes, as GDAL writes them: user-defined GeoKeys for the projections
 * GeoTIFF can express, and GDAL's "ESRI PE String" citation for those it cannot (a GOES-16
 * geostationary view, ESRI-only WKT). tilecast reads what GDAL reads and writes it back so that
 * GDAL reads the same CRS again.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openGeoTiff } from "../../../src/io/geotiff/reader.js";
import { type Run, tilecast } from "../../helpers/cli.js";
import { gdalinfo, hasGdal, sameCrsInGdal } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const CRSS: [string, string][] = [
  ["geostationary (GOES-16)", "+proj=geos +h=35786023 +lon_0=-75 +sweep=x +ellps=GRS80 +units=m +no_defs"],
  [
    "oblique stereographic (RD, no EPSG code)",
    "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +units=m +no_defs",
  ],
  ["azimuthal equidistant", "+proj=aeqd +lat_0=52 +lon_0=10 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"],
  [
    "equidistant conic",
    "+proj=eqdc +lat_0=40 +lon_0=-96 +lat_1=20 +lat_2=60 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs",
  ],
  ["Lambert azimuthal", "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m +no_defs"],
  [
    "Hotine oblique Mercator A (Malaysia RSO-like)",
    "+proj=omerc +lat_0=4 +lonc=102.25 +alpha=323.025796466667 +k=0.99984 +x_0=804671 +y_0=0 +no_uoff +gamma=323.130102361111 +ellps=GRS80 +units=m +no_defs",
  ],
  [
    "Hotine oblique Mercator B (Alaska zone 1-like)",
    "+proj=omerc +lat_0=57 +lonc=-133.666666666667 +alpha=323.130102361111 +k=0.9999 +x_0=5000000 +y_0=-5000000 +ellps=GRS80 +units=m +no_defs",
  ],
  [
    "Krovak (an ESRI PE string in GDAL's files)",
    "+proj=krovak +lat_0=49.5 +lon_0=24.8333333333333 +alpha=30.2881397527778 +k=0.9999 +x_0=0 +y_0=0 +ellps=bessel +units=m +no_defs",
  ],
  ["Cassini-Soldner", "+proj=cass +lat_0=10 +lon_0=20 +x_0=1000 +y_0=2000 +ellps=clrk66 +units=m +no_defs"],
  ["polyconic", "+proj=poly +lat_0=0 +lon_0=-54 +x_0=5000000 +y_0=10000000 +ellps=GRS80 +units=m +no_defs"],
  ["sinusoidal (MODIS)", "+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs"],
  ["Robinson", "+proj=robin +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"],
  ["orthographic", "+proj=ortho +lat_0=40 +lon_0=-100 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"],
  ["gnomonic", "+proj=gnom +lat_0=90 +lon_0=0 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"],
  ["Van der Grinten", "+proj=vandg +lon_0=0 +x_0=0 +y_0=0 +R_A +datum=WGS84 +units=m +no_defs"],
  [
    "Albers on NAD27 (a named datum)",
    "+proj=aea +lat_0=23 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 +x_0=0 +y_0=0 +datum=NAD27 +units=m +no_defs",
  ],
  [
    "transverse Mercator on NAD83",
    "+proj=tmerc +lat_0=0 +lon_0=-93 +k=0.9999 +x_0=500000 +y_0=0 +datum=NAD83 +units=m +no_defs",
  ],
  ["Mollweide (an ESRI PE string)", "+proj=moll +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"],
  // Keys (Mercator on the WGS 84 ellipsoid) and a PE string (on its auxiliary sphere), which
  // tilecast wrote back as the keys alone: about 21 km off at 45 degrees north.
  ["Web Mercator as ESRI:102100 (keys and an ESRI PE string)", "ESRI:102100"],
  // Lengths in keys are in the CRS's unit, which tilecast took for metres whatever it was.
  [
    "Lambert conformal conic in kilometres",
    "+proj=lcc +lat_1=30 +lat_2=60 +lat_0=45 +lon_0=10 +x_0=100000 +y_0=50000 +datum=WGS84 +units=km +no_defs",
  ],
  [
    "transverse Mercator in US survey feet",
    "+proj=tmerc +lat_0=0 +lon_0=-93 +k=0.9999 +x_0=500000.00001016 +y_0=100 +datum=NAD83 +units=us-ft +no_defs",
  ],
  [
    "transverse Mercator in Clarke's feet (a unit PROJ names by size)",
    "+proj=tmerc +lat_0=0 +lon_0=-61 +k=0.9995 +x_0=400000 +datum=WGS84 +to_meter=0.3047972654 +no_defs",
  ],
  // PE strings for methods proj4 cannot parse, which tilecast could not write back.
  ["Natural Earth (an ESRI PE string)", "+proj=natearth +lon_0=0 +datum=WGS84 +units=m +no_defs"],
  ["Winkel tripel (an ESRI PE string)", "+proj=wintri +lon_0=0 +datum=WGS84 +units=m +no_defs"],
  // Prime meridians other than Greenwich's, which tilecast dropped both ways.
  ["longitude-latitude on the Paris meridian", "+proj=longlat +pm=paris +ellps=clrk80ign +no_defs"],
  [
    "transverse Mercator on the Ferro meridian",
    "+proj=tmerc +lat_0=0 +lon_0=34 +k=1 +x_0=200000 +y_0=0 +ellps=bessel +pm=ferro +units=m +no_defs",
  ],
  // Datum shifts to WGS 84 (GDAL's TOWGS84 key, 7 or 3 values), which tilecast dropped.
  [
    "transverse Mercator with a 7-parameter datum shift (OSGB-like)",
    "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs",
  ],
  ["longitude-latitude with a 3-parameter datum shift", "+proj=longlat +ellps=intl +towgs84=-87,-98,-121 +no_defs"],
  // UTM on a datum without an EPSG code: GDAL writes the zone's projection code, which tilecast refused.
  ["UTM zone 32 on GRS80 (a projection code)", "+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0 +units=m +no_defs"],
  ["UTM zone 33 south on the international ellipsoid", "+proj=utm +zone=33 +south +ellps=intl +units=m +no_defs"],
  // GDAL keeps it in the .aux.xml sidecar; tilecast wrote it back as plain longitude-latitude.
  [
    "rotated pole (COSMO-like, in the sidecar)",
    "+proj=ob_tran +o_proj=longlat +o_lon_p=0 +o_lat_p=37.5 +lon_0=357.5 +R=6371229 +no_defs",
  ],
];

describe.skipIf(!hasGdal)("CRSs without an EPSG code", () => {
  it.each(CRSS)("%s: read as GDAL reads it, and written back so GDAL reads it again", async (_name, srs) => {
    const path = tmp("crs.tif");
    const r = spawnSync(
      "gdal_create",
      ["-q", "-outsize", "8", "8", "-ot", "Byte", "-a_srs", srs, "-a_ullr", "-1000", "1000", "1000", "-1000", path],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(0);
    const want = gdalinfo(path).coordinateSystem?.wkt ?? "";
    expect(want).toMatch(/^(PROJCRS|GEOGCRS|BOUNDCRS)/);
    const src = await openGeoTiff(path);
    const crs = src.meta.georef?.crs;
    await src.close();
    expect(crs).toBeTruthy();
    expect(sameCrsInGdal(crs?.proj4 ?? crs?.wkt ?? "", want)).toBe(true);
    const out = tmp("copy.tif");
    expect(tilecast("convert", path, out, "-q").code).toBe(0);
    expect(sameCrsInGdal(gdalinfo(out).coordinateSystem?.wkt ?? "", want)).toBe(true);
  });

  it("refuses a PE string cut short in one line naming the file, and writes nothing", () => {
    const path = gdalTiff("cut.tif", CRSS[0]?.[1] as string);
    // The citation's last bracket blanked, as a writer that truncates its citations leaves it.
    const bytes = readFileSync(path);
    const at = bytes.indexOf("ESRI PE String = ");
    const end = bytes.indexOf("|", at);
    expect([at > 0, bytes[end - 1]]).toStrictEqual([true, "]".charCodeAt(0)]);
    bytes[end - 1] = " ".charCodeAt(0);
    writeFileSync(path, bytes);
    const r = refusedCopy(path);
    expect(r.stderr.trim()).toMatch(/its ESRI PE string citation is not WKT \(unclosed PROJCS\[ at character 0\)/);
    expect(r.stderr).toContain(path);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("refuses an EPSG code the bundled index lacks in one line naming the file and the code", () => {
    const path = gdalTiff("unknown-code.tif", "EPSG:32633");
    // ProjectedCSType 32633 made 32799, a code EPSG has not given out.
    const bytes = readFileSync(path);
    const key = Buffer.from(new Uint16Array([3072, 0, 1, 32633]).buffer);
    const at = bytes.indexOf(key);
    expect(at).toBeGreaterThan(0);
    bytes.writeUInt16LE(32799, at + 6);
    writeFileSync(path, bytes);
    const r = refusedCopy(path);
    expect(r.stderr.trim()).toBe(`tilecast: ${path}: EPSG:32799 is not in the bundled EPSG index`);
  });
});

/** A 4 x 4 GeoTIFF GDAL makes on `srs`, to be patched into a hostile one. */
function gdalTiff(name: string, srs: string): string {
  const path = tmp(name);
  const made = spawnSync("gdal_create", [
    "-q",
    "-outsize",
    "4",
    "4",
    "-a_srs",
    srs,
    "-a_ullr",
    "0",
    "4",
    "4",
    "0",
    path,
  ]);
  expect(made.status).toBe(0);
  return path;
}

/** `convert` of a file it must refuse: a non-zero exit and no output left. */
function refusedCopy(path: string): Run {
  const out = tmp("refused-copy.tif");
  const r = tilecast("convert", path, out, "-q");
  expect(r.code).not.toBe(0);
  expect(existsSync(out)).toBe(false);
  return r;
}
