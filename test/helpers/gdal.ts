/**
 * A bridge to GDAL and xarray for interop tests: runs Python snippets with Debian's python3-gdal,
 * python3-zarr and python3-xarray. When they are missing, interop suites are skipped locally and fail under CI (TILECAST_REQUIRE_GDAL=1).
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";

export const PYTHON = process.env.TILECAST_PYTHON ?? "/usr/bin/python3";

export const hasGdal: boolean = (() => {
  const r = spawnSync(PYTHON, ["-c", "from osgeo import gdal; import numpy, zarr, xarray"], { encoding: "utf8" });
  if (r.status === 0) return true;
  if (process.env.TILECAST_REQUIRE_GDAL === "1") {
    throw new Error(
      "GDAL and xarray are required (apt-get install gdal-bin python3-gdal python3-numpy python3-zarr python3-xarray)",
    );
  }
  return false;
})();

/** Whether pyproj imports too (it comes with python3-rioxarray): interop suites that compare against PROJ. */
export const hasPyproj: boolean =
  hasGdal && spawnSync(PYTHON, ["-c", "import pyproj"], { encoding: "utf8" }).status === 0;

const PRELUDE = "import json, math\nimport numpy as np\nfrom osgeo import gdal, osr\ngdal.UseExceptions()\n";

/**
 * {@link py} without blocking the event loop: for GDAL reading from a server this process runs
 * (a loopback http server cannot answer while `py` waits).
 */
export async function pyAsync<T>(code: string): Promise<T> {
  const { stdout } = await promisify(execFile)(PYTHON, ["-c", PRELUDE + code], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout) as T;
}

/** Run a Python snippet (GDAL and numpy imported as gdal, np) and parse the JSON it prints. */
export function py<T>(code: string): T {
  const out = execFileSync(PYTHON, ["-c", PRELUDE + code], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}

/** `gdalinfo -json` of a file. */
export function gdalinfo(path: string): GdalInfo {
  return JSON.parse(execFileSync("gdalinfo", ["-json", path], { encoding: "utf8" })) as GdalInfo;
}

export interface GdalInfo {
  size: [number, number];
  geoTransform?: number[];
  coordinateSystem?: { wkt: string };
  metadata?: Record<string, Record<string, string>>;
  bands: {
    band: number;
    type: string;
    noDataValue?: number | string;
    description?: string;
    block: [number, number];
    scale?: number;
    offset?: number;
  }[];
}

/** All pixels of a file as GDAL reads them (bands x rows x cols, NaN as null in JSON). */
export function gdalPixels(path: string): (number | null)[][][] {
  return py(`ds = gdal.Open(${JSON.stringify(path)})
a = ds.ReadAsArray()
if a.ndim == 2: a = a[None]
a = a.astype(np.float64)
print(json.dumps([[[None if math.isnan(v) else v for v in row] for row in band] for band in a.tolist()]))`);
}

/**
 * Same CRS by GDAL's judgement: equal EPSG identity, equal projection and ellipsoid parameters,
 * or (for datum shifts, whose 7th term picks up float noise in GDAL's own WKT round trip) a
 * point mapped from one to the other lands on itself within a micrometre.
 */
export const sameCrsInGdal = (a: string, b: string): boolean =>
  py<boolean>(`a = osr.SpatialReference(); a.SetFromUserInput(${JSON.stringify(a)})
b = osr.SpatialReference(); b.SetFromUserInput(${JSON.stringify(b)})
same = a.IsSame(b, ['IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES']) or a.ExportToProj4() == b.ExportToProj4()
if not same and "+towgs84" in a.ExportToProj4() and "+towgs84" in b.ExportToProj4():
    for s in (a, b): s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    p = (1.0, 1.0) if a.IsGeographic() else (1000.0, 1000.0)
    x, y, _ = osr.CoordinateTransformation(a, b).TransformPoint(*p)
    same = abs(x - p[0]) < 1e-6 and abs(y - p[1]) < 1e-6
print(json.dumps(bool(same)))`);
