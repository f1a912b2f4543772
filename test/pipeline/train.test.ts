import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { GeoTransform } from "../../src/grid/geotransform.js";
import { createGrid } from "../../src/grid/grid.js";
import { openSource } from "../../src/io/registry.js";
import { selectBackend } from "../../src/nn/backend.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { replicaCount, trainPipeline } from "../../src/pipeline/train.js";
import { tmp, writeWhole } from "../helpers/write.js";

const FILE = "pipelines/scene-seg-train.yaml";
const out = tmp("seg");
const root = dirname(out);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The shipped train pipeline, made tiny: 16 tiles an epoch, 32 px tiles. */
const tiny = (dir: string, more: string[] = []) =>
  loadPipeline(FILE, [
    `train.output=${join(root, dir)}`,
    `train.checkpoints=${join(root, `${dir}.train`)}`,
    "train.epochs=2",
    "train.tilesPerEpoch=16",
    "train.onnx=false",
    "model.depth=2",
    "model.filters=4",
    ...more,
  ]);

describe("tilecast train (pipeline)", () => {
  it("trains the segmentation pipeline into a model directory with card, statistics and checkpoints", async () => {
    await selectBackend({ prefer: "wasm" });
    const s = await trainPipeline(await tiny("a"), { force: true });
    expect(s.epochs).toBe(2);
    expect(s.replicas).toBe(replicaCount({ replicas: "auto", batch: 8 }, "wasm")); // one per core
    expect(s.tiles).toStrictEqual({ unit: "tiles", train: 40, validation: 16, dropped: 8 });
    expect(s.history.map((h) => h.samples)).toStrictEqual([16, 16]);
    expect(Object.keys(s.history[0]?.metrics ?? {}).sort()).toStrictEqual(["accuracy", "f1", "iou"]);
    const card = JSON.parse(readFileSync(join(root, "a", "card.json"), "utf8"));
    expect(card.inputs.map((i: { name: string }) => i.name)).toStrictEqual(["blue", "green", "red", "nir"]);
    expect(card.outputs.map((o: { name: string }) => o.name)).toStrictEqual(["land", "water", "cloud", "shadow"]);
    expect(card.architecture.options).toStrictEqual({ depth: 2, filters: 4, classes: 4, seed: 7 });
    expect(card.training.epoch).toBe(s.bestEpoch);
    expect(card.metrics.iou).toBeCloseTo(s.history[(s.bestEpoch as number) - 1]?.metrics.iou as number, 4);
    const stats = JSON.parse(readFileSync(join(root, "a", "stats.json"), "utf8"));
    expect(stats.bands).toHaveLength(4);
    expect(card.inputs[3].mean).toBeCloseTo(stats.bands[3].mean, 6);
    for (const f of ["last/optimizer.bin", "best/model.json", "history.json", "curves.png"])
      expect(existsSync(join(root, "a.train", f)), f).toBe(true);
  });

  it("retraining reproduces the model: batches depend on the seed, not on read timing", async () => {
    await trainPipeline(await tiny("a2"), { force: true });
    expect(readFileSync(join(root, "a2", "weights.bin")).equals(readFileSync(join(root, "a", "weights.bin")))).toBe(
      true,
    );
  });

  it("existing checkpoints are never overwritten by accident; a changed pipeline cannot resume them", async () => {
    await expect(trainPipeline(await tiny("a"))).rejects.toThrow(
      /checkpoints exist: --resume continues them, --force starts over/,
    );
    await expect(trainPipeline(await tiny("a", ["train.loss=mse"]), { resume: true })).rejects.toThrow(
      /changed since the checkpoint/,
    );
    await expect(trainPipeline(await tiny("nothing"), { resume: true })).rejects.toThrow(/nothing to resume/);
    // Resuming a finished run to a later epoch continues it.
    const s = await trainPipeline(await tiny("a", ["train.epochs=3"]), { resume: true });
    expect(s.resumed).toBe(true);
    expect(s.history.map((h) => h.epoch)).toStrictEqual([1, 2, 3]);
  });

  it("a misspelt train.monitor is refused before any epoch, and --force leaves the checkpoints it would replace", async () => {
    const before = readFileSync(join(root, "a.train", "best", "weights.bin"));
    const history = readFileSync(join(root, "a.train", "history.json"));
    await expect(trainPipeline(await tiny("a", ["train.monitor=val_iou"]), { force: true })).rejects.toThrow(
      `${FILE}: train.monitor: 'val_iou' is not a score this run reports (loss, valLoss, iou, f1, accuracy)`,
    );
    expect(readFileSync(join(root, "a.train", "history.json")).equals(history)).toBe(true); // no epoch ran
    expect(readFileSync(join(root, "a.train", "best", "weights.bin")).equals(before)).toBe(true);
  });

  it("train.replicas: auto is one per core on wasm and cpu, 1 on native TensorFlow; a resume may change it", async () => {
    const cores = (await import("node:os")).availableParallelism();
    expect(replicaCount({ replicas: "auto", batch: 64 }, "cpu")).toBe(cores);
    expect(replicaCount({ replicas: "auto", batch: 1 }, "wasm")).toBe(1); // one sample: nothing to share
    expect(replicaCount({ replicas: "auto", batch: 64 }, "tensorflow")).toBe(1);
    expect(replicaCount({ replicas: 3, batch: 64 }, "tensorflow")).toBe(3);
    const one = await trainPipeline(await tiny("r", ["train.replicas=1"]), { force: true });
    expect(one.replicas).toBe(1);
    const two = await trainPipeline(await tiny("r", ["train.replicas=2", "train.epochs=3"]), { resume: true });
    expect(two.replicas).toBe(2);
    expect(two.history.map((h) => h.epoch)).toStrictEqual([1, 2, 3]);
    expect(two.history.at(-1)?.loss).toBeLessThan(two.history[0]?.loss as number);
  });

  it("labels on another grid are refused, naming both files", async () => {
    const src = await openSource("fixtures/scene-seg/train.labels.u8.tif");
    const g = await src.readWindow({ x: 0, y: 0, width: 512, height: 512 });
    await src.close();
    const t = g.georef?.transform as GeoTransform;
    const shifted = join(root, "shifted.tif");
    await writeWhole(
      shifted,
      createGrid("uint8", [1, 512, 512], {
        data: g.data as Uint8Array,
        nodata: 255,
        georef: { ...(g.georef as NonNullable<typeof g.georef>), transform: [t[0] + 10, t[1], t[2], t[3], t[4], t[5]] },
      }),
    );
    const p = await tiny("b", [`input.labels=${shifted}`]);
    await expect(trainPipeline(p, { force: true })).rejects.toThrow(
      new RegExp(
        `${shifted}: labels are not on the image's grid \\(.*train.s2like.u16.4b.tif\\): geotransform \\[399970`,
      ),
    );
    expect(existsSync(join(root, "b"))).toBe(false);
    const small = join(root, "small.tif");
    await writeWhole(small, createGrid("uint8", [1, 8, 8], { data: new Uint8Array(64), georef: g.georef }));
    await expect(trainPipeline(await tiny("b", [`input.labels=${small}`]), { force: true })).rejects.toThrow(
      /8 x 8 pixels, the image 512 x 512/,
    );
  });

  it("a pipeline without labels or without a train section says what is missing", async () => {
    await expect(trainPipeline(await loadPipeline("pipelines/scene-water.yaml"))).rejects.toThrow(/no train section/);
    const yaml = readFileSync(FILE, "utf8")
      .replace(/^  labels: .*$/m, "")
      .replaceAll("../", `${process.cwd()}/`);
    const file = join(root, "nolabels.yaml");
    writeFileSync(file, yaml);
    await expect(trainPipeline(await loadPipeline(file))).rejects.toThrow(/nolabels.yaml: training needs input.labels/);
  });

  it("trains a nowcaster on time windows of a radar store: time split, frames and transform on the card", async () => {
    const p = await loadPipeline("pipelines/radar-nowcast-train.yaml", [
      `train.output=${join(root, "nc")}`,
      `train.checkpoints=${join(root, "nc.train")}`,
      "train.epochs=1",
      "train.sequence.until=2010-08-26T06:50:00Z",
      "train.sequence.windowsPerTile=1",
      "train.onnx=false",
      "model.filters=[2]",
    ]);
    const s = await trainPipeline(p, { force: true });
    // 92 frames, windows of 10: starts 0-72 end before 06:50 (train), start 82 begins at it, 9 straddle.
    expect(s.tiles).toStrictEqual({ unit: "windows", train: 73, validation: 1, dropped: 9 });
    expect(s.history[0]?.samples).toBe(7); // one window from each of the 7 tiles the radar reaches
    expect(Object.keys(s.history[0]?.metrics ?? {})).toContain("persistence_csi1");
    const card = JSON.parse(readFileSync(join(root, "nc", "card.json"), "utf8"));
    expect(card.frames).toStrictEqual({ input: 4, output: 6, stepMinutes: 5, cell: { x: 4000, y: 4000, units: "m" } });
    expect(card.inputs).toStrictEqual([{ name: "rain_rate", units: "mm h-1" }]);
    const stats = JSON.parse(readFileSync(join(root, "nc", "stats.json"), "utf8"));
    expect(stats.bands).toStrictEqual([]); // log1p alone: no statistics invented
    expect(stats.transforms.every((t: string) => t === "log1p")).toBe(true);
    const late = await loadPipeline("pipelines/radar-nowcast-train.yaml", [
      `train.output=${join(root, "nc2")}`,
      "train.sequence.until=2010-08-26T07:35:00Z",
    ]);
    await expect(trainPipeline(late, { force: true })).rejects.toThrow(/leaves 82 training and 0 validation windows/);
  });
});
