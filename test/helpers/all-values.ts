/**
 * A GeoTIFF's values, flat (bands, rows, columns), as tilecast and as GDAL read them: for tests
 * that compare the two readers on edited files. Test-only.
 */
import { execFileSync } from "node:child_process";
import { openGeoTiff } from "../../src/index.js";
import { PYTHON } from "./gdal.js";

/** GDAL's verdict on a file: null when it does not open or read, else its values, flat. */
export function gdalValues(p: string): number[] | null {
  const code = `import sys, json
from osgeo import gdal
gdal.DontUseExceptions(); gdal.PushErrorHandler("CPLQuietErrorHandler")
ds = gdal.Open(sys.argv[1])
a = None if ds is None else ds.ReadAsArray()
print(json.dumps(None if a is None else a.ravel().tolist()))`;
  return JSON.parse(execFileSync(PYTHON, ["-c", code, p], { encoding: "utf8", maxBuffer: 64 * 2 ** 20 })) as
    | number[]
    | null;
}

/** tilecast's values of the whole GeoTIFF at `p`, flat. */
export async function tilecastValues(p: string): Promise<number[]> {
  const src = await openGeoTiff(p);
  try {
    const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
    return Array.from(g.data as ArrayLike<number>);
  } finally {
    await src.close();
  }
}
