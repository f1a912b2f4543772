/**
 * A trained model's card lists one output per channel the model has, named by train.classes;
 * names of another count are refused before training. Before, `train.classes: [land, water]` with
 * `model.classes: 4` trained a four-channel model whose card listed one output, `water`.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadPipeline } from "../../src/pipeline/config.js";
import { tileOutputs } from "../../src/pipeline/train-outputs.js";
import { tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const seg = "pipelines/scene-seg-train.yaml";

describe("a tile model's outputs", () => {
  it("are one per channel, named by the classes", async () => {
    const p = await loadPipeline(seg);
    expect(tileOutputs(p, 4)).toStrictEqual(
      ["land", "water", "cloud", "shadow"].map((name) => ({ name, units: "probability" })),
    );
    const two = await loadPipeline(seg, ["train.classes=[dry, wet]"]);
    expect(tileOutputs(two, 1)).toStrictEqual([{ name: "wet", units: "probability" }]);
    expect(tileOutputs(two, 2)).toStrictEqual([
      { name: "dry", units: "probability" },
      { name: "wet", units: "probability" },
    ]);
    const unnamed = await loadPipeline(seg, ["train.classes=null"]);
    expect(tileOutputs(unnamed, 1)).toStrictEqual([{ name: "output" }]);
    expect(tileOutputs(unnamed, 3).map((o) => o.name)).toStrictEqual(["class 0", "class 1", "class 2"]);
    expect(() => tileOutputs(p, 1)).toThrow(
      "train.classes names 4 classes; the model has 1 output channel (a probability of the second of 2 classes)",
    );
  });

  it("train refuses names of another count before training, and writes nothing", () => {
    const [model, checkpoints] = [tmp("model"), tmp("checkpoints")];
    const r = tilecast(
      "train",
      seg,
      ...["--set", "train.classes=[land, water]", "--set", `train.output=${model}`],
      ...["--set", `train.checkpoints=${checkpoints}`, "-q"],
    );
    expect([r.code, r.stderr]).toStrictEqual([
      2,
      `tilecast: ${seg}: train.classes names 2 classes; the model has 4 output channels (4 classes): set model.classes or the names to agree\n`,
    ]);
    expect([existsSync(model), existsSync(checkpoints)]).toStrictEqual([false, false]);
  });
});
