/**
 * A forecast loads `model.path` itself and read no other key of the model section: `type: unet`
 * over the ConvLSTM's directory, a misspelt key, or `filters: [64]` over a model of [16, 16] ran
 * the saved model, exit 0. They are now refused by name, as `tilecast run` refuses them; and
 * run's own refusals of a model key name the pipeline file.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const NOWCAST = "pipelines/radar-nowcast.yaml";

/** One nowcast cycle of the shipped pipeline with `sets`. */
const nowcast = (...sets: string[]) =>
  tilecast("nowcast", NOWCAST, "--cycle", "2010-08-26T05:40Z", ...sets.flatMap((s) => ["--set", s]));

describe("a forecast's pipeline keys", () => {
  it("a type, key or option the saved model does not have is refused before anything is written", () => {
    const dir = tmp("forecast-model");
    const out = join(dir, "nc.zarr");
    const cases: [string, string][] = [
      ["model.foo=1", `${NOWCAST}: model convlstm: unknown key 'foo'`],
      [
        "model.type=unet",
        `${NOWCAST}: model.type is unet, but the model in ${join(process.cwd(), "models/radar-nowcast")} is a convlstm`,
      ],
      [
        "model.filters=[64]",
        `${join(process.cwd(), "models/radar-nowcast")}: model.filters is [64] but the saved convlstm has [16,16] (card.json); remove it from the spec or use another model`,
      ],
    ];
    for (const [set, line] of cases) {
      const r = nowcast(set, `output.path=${out}`);
      expect([r.code, r.stderr], set).toStrictEqual([2, `tilecast: ${line}\n`]);
      expect(existsSync(out)).toBe(false);
    }
    // An option the card records, stated as it is, runs.
    const same = nowcast("model.inputFrames=4", `output.path=${out}`);
    expect(same.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it("run names the pipeline file when a model key is wrong", () => {
    const out = join(tmp("run-model"), "x.tif");
    const r = tilecast("run", "pipelines/scene-seg.yaml", "--set", "model.filterz=4", "--set", `output.path=${out}`);
    expect([r.code, r.stderr]).toStrictEqual([
      2,
      "tilecast: pipelines/scene-seg.yaml: model unet: unknown key 'filterz'\n",
    ]);
  });

  it("keys a forecast would not apply are refused, naming each", () => {
    const out = join(tmp("forecast-keys"), "nc.zarr");
    const why = "a forecast reads whole frames and writes only its store of float32 leads";
    const cases: [string[], string][] = [
      [["output.quicklook=/tmp/nc.png"], `output.quicklook: does not apply to a forecast (${why}); remove it`],
      [
        ["input.bands=[0, 1]", "output.compressor=zlib"],
        `output.compressor, input.bands: do not apply to a forecast (${why}); remove them`,
      ],
      [["stages=[{type: normalize, method: none}]"], `stages: does not apply to a forecast (${why}); remove it`],
      [
        ["output.steps=3"],
        "output.steps: does not apply to a forecast (a sequence model gives the leads its card says, and a forecast writes only its store of float32 leads); remove it",
      ],
    ];
    for (const [sets, line] of cases) {
      const r = nowcast(...sets, `output.path=${out}`);
      expect([r.code, r.stderr], sets.join(" ")).toStrictEqual([2, `tilecast: ${NOWCAST}: ${line}\n`]);
      expect(existsSync(out)).toBe(false);
    }
  });
});
