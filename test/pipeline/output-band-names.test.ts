/**
 * A run's output bands carry the names the model's card gives its channels: GDAL shows the
 * segmentation's probabilities as land, water, cloud and shadow (before: Band 1 to 4, nameless),
 * and xarray finds them in a Zarr output's `band_names`.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tilecast } from "../helpers/cli.js";
import { py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const card = JSON.parse(readFileSync("models/scene-seg/card.json", "utf8")) as { outputs: { name: string }[] };
const classes = card.outputs.map((o) => o.name);
const scene = resolve("fixtures/scene-seg/test.s2like.u16.4b.tif");

describe("output band names", () => {
  it("are the card's classes, in a GeoTIFF and in a Zarr store", () => {
    expect(classes).toStrictEqual(["land", "water", "cloud", "shadow"]);
    const [tif, store] = [tmp("probabilities.tif"), tmp("probabilities.zarr")];
    for (const out of [tif, store]) {
      const r = tilecast(
        "run",
        "pipelines/scene-seg.yaml",
        ...["--set", `input.path=${scene}`, "--set", `output.path=${out}`],
        ...["--set", "output.classes=null", "--set", "output.quicklook=null", "-q"],
      );
      expect(r.code, r.stderr).toBe(0);
    }
    const described = py<string[]>(`d = gdal.Open(${JSON.stringify(tif)})
print(json.dumps([d.GetRasterBand(i + 1).GetDescription() for i in range(d.RasterCount)]))`);
    expect(described).toStrictEqual(classes);
    const named = py<string[]>(`import xarray as xr
print(json.dumps(xr.open_zarr(${JSON.stringify(store)}).band_data.attrs["band_names"]))`);
    expect(named).toStrictEqual(classes);
  });
});
