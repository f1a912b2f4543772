/**
 * A label raster with a value that is no class (7 where the model has 4 classes, a 0/255 mask
 * where it has 2) trained the model without a word, exit 0: a class index past the model's
 * channels is an all-zero one-hot target. Training now refuses it at the first read, naming the
 * file, the cell and the value, before any model or checkpoint is written.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPipeline } from "../../src/pipeline/config.js";
import { trainsOnClasses } from "../../src/pipeline/label-classes.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const TRAIN = "pipelines/scene-seg-train.yaml";
const LABELS = resolve("fixtures/scene-seg/train.labels.u8.tif");

/**
 * A copy of the scene's labels: `value` over rows and columns 100-109 with nodata 255, or (value
 * null) water as a 0/255 mask without nodata.
 */
function labelsWith(path: string, value: number | null): void {
  mkdirSync(join(path, ".."), { recursive: true });
  py(`src = gdal.Open(${JSON.stringify(LABELS)})
d = gdal.GetDriverByName("GTiff").CreateCopy(${JSON.stringify(path)}, src)
b = d.GetRasterBand(1); a = b.ReadAsArray()
${value === null ? "a = np.where(a == 1, 255, 0).astype(np.uint8); b.DeleteNoDataValue()" : `a[100:110, 100:110] = ${value}`}
b.WriteArray(a)
d = None
print("null")`);
}

const train = (labels: string, dir: string, ...sets: string[]) =>
  tilecast(
    "train",
    TRAIN,
    "--set",
    `input.labels=${labels}`,
    "--set",
    `train.output=${join(dir, "model")}`,
    "--set",
    `train.checkpoints=${join(dir, "ckpt")}`,
    "--set",
    "train.epochs=1",
    ...sets.flatMap((s) => ["--set", s]),
  );

describe.skipIf(!hasGdal)("training on class labels", () => {
  it("a value past the model's classes is refused naming the file, the cell and the value; nothing is written", () => {
    const dir = tmp("labels-7");
    const labels = join(dir, "labels.tif");
    labelsWith(labels, 7);
    const r = train(labels, dir);
    expect([r.code, r.stderr]).toStrictEqual([
      2,
      `tilecast: ${labels}: 7 at row 100, column 100 is not a class: the model has 4 classes, 0 to 3; 255 is its nodata\n`,
    ]);
    expect(existsSync(join(dir, "model"))).toBe(false);
    expect(existsSync(join(dir, "ckpt"))).toBe(false);
  });

  it("a 0/255 mask without nodata for a model of one probability channel is two classes, 0 and 1", () => {
    const dir = tmp("labels-255");
    const labels = join(dir, "labels.tif");
    labelsWith(labels, null);
    const r = train(labels, dir, "model.classes=1", "train.classes=null", "train.loss=binary-crossentropy");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/: 255 at row \d+, column \d+ is not a class: the model has 2 classes, 0 to 1\n$/);
  });

  it("labels of the model's classes train, and a U-Net regressing values (mse) is not checked", async () => {
    const dir = tmp("labels-ok");
    const r = train(LABELS, dir);
    expect(r.stderr).not.toContain("tilecast:");
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "model", "card.json"))).toBe(true);
    expect(trainsOnClasses(await loadPipeline(TRAIN))).toBe(true);
    expect(trainsOnClasses(await loadPipeline(TRAIN, ["train.loss=mse"]))).toBe(false);
    expect(trainsOnClasses(await loadPipeline(TRAIN, ["train.loss=[dice, mae]"]))).toBe(false);
  });
});
