/**
 * A store in the draft of Zarr v3 (GDAL 3.4-3.7's `-co FORMAT=ZARR_V3`, zarr-python 2's
 * experimental v3: `meta/root/*.array.json` and `data/root/...`) read as "store holds no arrays".
 * It is refused naming the draft, and what to write instead.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tilecast } from "../../helpers/cli.js";
import { hasGdal, PYTHON } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";

const LINE =
  "a store in the draft of Zarr v3 (meta/ and data/, as GDAL 3.4-3.7 and zarr-python 2 wrote it), which tilecast does not read: write it as Zarr v2 or final v3 (GDAL 3.8 or later, zarr-python 3)";

describe.skipIf(!hasGdal)("the draft of Zarr v3", () => {
  it("made by GDAL and by zarr-python 2, is refused by name, nothing written", () => {
    const gdal = tmp("draft-gdal.zarr");
    execFileSync("gdal_translate", [
      "-q",
      "-of",
      "Zarr",
      "-co",
      "FORMAT=ZARR_V3",
      "fixtures/geotiff/u8.none.strip.1b.tif",
      gdal,
    ]);
    const zp = tmp("draft-zp.zarr");
    execFileSync(
      PYTHON,
      [
        "-c",
        `import zarr, numpy as np
g = zarr.open_group(${JSON.stringify(zp)}, mode="w", zarr_version=3)
g.create_dataset("t", data=np.arange(12, dtype="f4").reshape(3, 4)).attrs["_ARRAY_DIMENSIONS"] = ["y", "x"]`,
      ],
      { env: { ...process.env, ZARR_V3_EXPERIMENTAL_API: "1" } },
    );
    for (const store of [gdal, zp]) {
      expect(tilecast("inspect", store)).toMatchObject({ code: 1, stderr: `tilecast: ${store}: ${LINE}\n` });
      const out = tmp(`${store.split("/").at(-1)}.tif`);
      expect(tilecast("convert", "-q", store, out)).toMatchObject({ code: 1, stderr: `tilecast: ${store}: ${LINE}\n` });
      expect(existsSync(out)).toBe(false);
    }
  });
});
