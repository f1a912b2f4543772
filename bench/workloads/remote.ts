/**
 * Remote GeoTIFF opens: a batch over an object store opens scene after scene, and each request
 * costs a round trip (50 ms here, from `bench/latency-server.mjs`), so what an open costs is how
 * many round trips it waits for in turn. tilecast asks for the file's head and its sidecars
 * together; GDAL's /vsicurl/ asks with a HEAD first, and for each sidecar in turn once the
 * georeferencing is asked for. Both sides read the transform, CRS, nodata and a 256 x 256
 * window of 12 scenes no cache has seen, with GDAL's default settings and with
 * `GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR` (no sidecars looked for, on both sides).
 */
import type { Workload } from "../harness.js";
import { NODE, PYTHON } from "./common.js";

const FILE = "fixtures/demo/scene.s2like.u16.4b.tif";
const DELAY_MS = "50";
const OPENS = "12";

export function remoteOpen(emptyDir: boolean): Workload {
  const env: Record<string, string> = emptyDir ? { GDAL_DISABLE_READDIR_ON_OPEN: "EMPTY_DIR" } : {};
  return {
    group: "geotiff",
    name: `remote GeoTIFF open + 256² window, ${DELAY_MS} ms a request${emptyDir ? ", no sidecars (EMPTY_DIR)" : ""}`,
    unit: "opens/s",
    quick: !emptyDir,
    tilecast: {
      tool: "tilecast",
      cmd: NODE,
      args: ["bench/remote-open.mjs", FILE, DELAY_MS, OPENS],
      env,
      field: "opensPerSec",
    },
    reference: {
      tool: "GDAL /vsicurl/",
      cmd: PYTHON,
      args: ["bench/remote_open.py", FILE, DELAY_MS, OPENS],
      env,
      field: "opensPerSec",
    },
    target: { min: 1.0 },
  };
}
