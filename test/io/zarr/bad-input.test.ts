import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TilecastError } from "../../../src/errors.js";
import { openSource } from "../../../src/io/registry.js";
import { regularStep } from "../../../src/io/zarr/georef.js";
import { openZarrSource } from "../../../src/io/zarr/source.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { hasGdal, py } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";
import { ERA5, zfixture } from "../../helpers/zarr-pattern.js";

async function failure(p: Promise<unknown>): Promise<TilecastError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TilecastError);
  expect((e as TilecastError).message).not.toContain("\n");
  return e as TilecastError;
}

describe("bad Zarr input: one line naming the store and the problem", () => {
  it.each([
    ["not-a-store.zarr", {}, "E_FORMAT", "not a Zarr store (no .zgroup, .zarray, .zmetadata or zarr.json)"],
    ["malformed.zarr", {}, "E_FORMAT", "malformed metadata for 'v'"],
    ["unknown-codec.zarr", {}, "E_UNSUPPORTED", "array 'v' uses unknown codec 'frobnicate'"],
    ["missing.zarr", {}, "E_NOT_FOUND", "no such file"],
  ] as const)("%s", async (name, opts, code, text) => {
    const e = await failure(openSource(zfixture(name), opts));
    expect(e.code).toBe(code);
    expect(e.message.startsWith(`${zfixture(name)}: ${text}`)).toBe(true);
  });

  it("a corrupt chunk is named by its key when a read touches it", async () => {
    const src = await openZarrSource(zfixture("corrupt-chunk.zarr"));
    expect((await src.readWindow({ x: 0, y: 0, width: 4, height: 2 })).shape).toStrictEqual([1, 2, 4]);
    const e = await failure(src.readWindow({ x: 0, y: 0, width: 4, height: 4 }));
    expect(e.code).toBe("E_CORRUPT");
    expect(e.message).toMatch(/^fixtures\/zarr\/corrupt-chunk\.zarr: corrupt chunk v\/1\.0 \(/);
  });

  it("a --var or --index that does not exist is named", async () => {
    expect((await failure(openZarrSource(ERA5))).message).toContain("choose a variable with --var (t2m, tp)");
    expect((await failure(openZarrSource(ERA5, { variable: "u10" }))).message).toContain(
      "variable 'u10' does not exist (t2m, tp)",
    );
    expect((await failure(openZarrSource(ERA5, { variable: "t2m", index: { level: 0 } }))).message).toContain(
      "no dimension 'level' in 't2m' (time, latitude, longitude)",
    );
    expect((await failure(openZarrSource(ERA5, { variable: "t2m", index: { time: 9 } }))).message).toContain(
      "--index time=9 is out of range (0..3)",
    );
  });
});

describe("coordinates that cannot place pixels", () => {
  it("regularStep calls a coordinate with NaN or infinity irregular, wherever it sits", () => {
    expect(regularStep([0, 1, 2, 3])).toBe(1);
    for (const v of [
      [Number.NaN, 1, 2, 3],
      [0, Number.NaN, 2, 3],
      [0, 1, 2, Number.POSITIVE_INFINITY],
      [0, Number.NEGATIVE_INFINITY, 2, 3],
    ])
      expect(regularStep(v), String(v)).toBeNull();
  });

  it.skipIf(!hasGdal).each([
    ["NaN", "[0, np.nan, 2, 3]", "coordinate 'lat' holds NaN at index 1"],
    ["infinity", "[0, 1, 2, np.inf]", "coordinate 'lat' holds Infinity at index 3"],
  ])("a spatial coordinate holding %s is refused by name", async (_, lat, problem) => {
    const p = tmp("coords.zarr");
    py(`import zarr
g = zarr.open_group(${JSON.stringify(p)}, mode="w")
a = g.create_dataset("v", shape=(4, 5), chunks=(4, 5), dtype="f4")
a[:] = 1
a.attrs["_ARRAY_DIMENSIONS"] = ["lat", "lon"]
for n, v in (("lat", np.array(${lat}, dtype="f8")), ("lon", np.arange(5.0))):
    c = g.create_dataset(n, data=v)
    c.attrs["_ARRAY_DIMENSIONS"] = [n]
print("{}")`);
    const e = await failure(openZarrSource(p, { variable: "v" }));
    expect(e.code).toBe("E_FORMAT");
    expect(e.message).toBe(`${p}: ${problem}`);
  });
});

describe("v3 fill values the data type cannot hold", () => {
  it.each([["NaN"], ["Infinity"], [null], [70000], [-1], [3.5], ["7"]])(
    "a uint16 array with fill_value %j is refused by name (tensorstore refuses it too)",
    async (fill) => {
      const out = tmp("fill.zarr");
      await convertRaster("fixtures/demo/scene.s2like.u16.4b.tif", out, { write: { zarrFormat: 3 } });
      const doc = join(out, "band_data/zarr.json");
      writeFileSync(doc, JSON.stringify({ ...JSON.parse(readFileSync(doc, "utf8")), fill_value: fill }));
      const root = JSON.parse(readFileSync(join(out, "zarr.json"), "utf8"));
      delete root.consolidated_metadata;
      writeFileSync(join(out, "zarr.json"), JSON.stringify(root));
      const e = await failure(openSource(out, { variable: "band_data" }));
      expect(e.code).toBe("E_FORMAT");
      expect(e.message).toBe(`${out}: array 'band_data': fill_value ${JSON.stringify(fill)} is not a uint16 value`);
    },
  );
});
