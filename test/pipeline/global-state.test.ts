/**
 * Global state models in pipelines: whole-grid training pairs (time levels on channels, cos
 * latitude weights), a short training that beats persistence, rollout forecasts whose later leads
 * are the model applied to its own output, and the errors a misconfigured pipeline gets.
 */
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { openZarrSource } from "../../src/io/zarr/source.js";
import { selectBackend } from "../../src/nn/backend.js";
import { loadModelDir } from "../../src/nn/model-card.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { runForecast } from "../../src/pipeline/forecast.js";
import { normalizeStats, openInput, planFor } from "../../src/pipeline/input.js";
import { trainPipeline } from "../../src/pipeline/train.js";
import { stateData } from "../../src/pipeline/train-state.js";
import { tmp } from "../helpers/write.js";

const FILE = "pipelines/global-forecast-train.yaml";
const OBS = "fixtures/global-tracer/tracer-5.625deg-6h.zarr";
const out = tmp("global");
const root = dirname(out);
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
});

/** The shipped train pipeline, made tiny: ten days of training pairs, a small network. */
const tiny = (more: string[] = []) =>
  loadPipeline(FILE, [
    `train.output=${join(root, "m")}`,
    `train.checkpoints=${join(root, "m.train")}`,
    "train.epochs=3",
    "train.onnx=false",
    "train.schedule.lr=0.003",
    'train.sequence.until="2000-01-11T00:00:00Z"',
    "model.blocks=1",
    "model.filters=8",
    ...more,
  ]);

describe("global state models", () => {
  it("pairs are whole-grid states: levels (t-1, t) in, (t, t+1) out, normalized, with cos-latitude weights", async () => {
    const p = await tiny();
    const src = await openInput(p);
    const stats = await normalizeStats(p.normalize as NonNullable<typeof p.normalize>, p, src, planFor(p, src));
    const t = p.train as NonNullable<typeof p.train>;
    const data = stateData({ p, t: { ...t, batch: 2 }, src, stats });
    expect(data.counts).toStrictEqual({ unit: "pairs", train: 37, validation: 919, dropped: 2 });
    const it0 = data.validation(0)[Symbol.asyncIterator]();
    const b = (await it0.next()).value;
    expect(b.x.shape).toStrictEqual([2, 32, 64, 2]);
    expect(b.y.shape).toStrictEqual([2, 32, 64, 2]);
    const x = b.x.arraySync() as number[][][][];
    const y = b.y.arraySync() as number[][][][];
    const w = b.weights.dataSync();
    await it0.return?.();
    // The first validation window starts at step 39 (2000-01-11T00:00): frames 39, 40 -> 40, 41.
    const raw = await openZarrSource(OBS, { variable: "t" });
    const frames = await raw.readWindow({ x: 0, y: 0, width: 64, height: 32 }, { bands: [39, 40, 41] });
    const { mean, std } = stats.bands[0] as { mean: number; std: number };
    const at = (f: number, r: number, c: number) => ((frames.data[f * 2048 + r * 64 + c] as number) - mean) / std;
    for (const [r, c] of [
      [0, 0],
      [16, 63],
      [31, 10],
    ] as const) {
      expect(x[0]?.[r]?.[c]?.[0]).toBeCloseTo(at(0, r, c), 5);
      expect(x[0]?.[r]?.[c]?.[1]).toBeCloseTo(at(1, r, c), 5);
      expect(y[0]?.[r]?.[c]?.[0]).toBeCloseTo(at(1, r, c), 5);
      expect(y[0]?.[r]?.[c]?.[1]).toBeCloseTo(at(2, r, c), 5);
    }
    // cos(latitude) of the row centres, mean 1: the equator rows weigh most.
    const cos = Array.from({ length: 32 }, (_, j) => Math.cos(((87.1875 - 5.625 * j) * Math.PI) / 180));
    const m = cos.reduce((a, v) => a + v, 0) / 32;
    expect(w[0]).toBeCloseTo((cos[0] as number) / m, 5);
    expect(w[15]).toBeCloseTo((cos[15] as number) / m, 5);
    tf.dispose([b.x, b.y, b.weights]);
    await src.close();
    await raw.close();
  });

  it("a short training lowers the loss and beats persistence on later weeks; later leads roll the model out", async () => {
    const s = await trainPipeline(await tiny(), { force: true });
    const h = s.history;
    expect(h).toHaveLength(3);
    expect(h[2]?.loss).toBeLessThan(h[0]?.loss as number);
    expect(h[2]?.metrics.rmse).toBeLessThan(h[2]?.metrics.persistence_rmse as number);
    // A forecast with it: lead 2 is the model applied to (state at t, lead 1).
    const store = join(root, "f.zarr");
    const p = await loadPipeline("pipelines/global-forecast.yaml", [
      `model.path=${join(root, "m")}`,
      `normalize.stats=${join(root, "m", "stats.json")}`,
      `output.path=${store}`,
      "output.steps=2",
    ]);
    await runForecast(p, { cycle: "2000-03-01T00:00Z" });
    const fc = await openSource(store, { variable: "t", index: { time: 0 } });
    const leads = (await fc.readWindow({ x: 0, y: 0, width: 64, height: 32 })).data as Float32Array;
    await fc.close();
    const obs = await openZarrSource(OBS, { variable: "t" });
    const t0 = (obs.meta.attrs.bandNames ?? []).indexOf("2000-03-01T00:00:00.000Z");
    const now = (await obs.readWindow({ x: 0, y: 0, width: 64, height: 32 }, { bands: [t0] })).data as Float32Array;
    await obs.close();
    const { model } = await loadModelDir(join(root, "m"));
    const stats = JSON.parse(
      await import("node:fs/promises").then((f) => f.readFile(join(root, "m", "stats.json"), "utf8")),
    );
    const { mean, std } = stats.bands[0];
    const state = new Float32Array(2048 * 2);
    for (let i = 0; i < 2048; i++) {
      state[i * 2] = ((now[i] as number) - mean) / std;
      state[i * 2 + 1] = ((leads[i] as number) - mean) / std;
    }
    const next = tf.tidy(() =>
      (model.predict(tf.tensor4d(state, [1, 32, 64, 2])) as tf.Tensor).slice([0, 0, 0, 1], [1, 32, 64, 1]).dataSync(),
    );
    let worst = 0;
    for (let i = 0; i < 2048; i++)
      worst = Math.max(worst, Math.abs((next[i] as number) * std + mean - (leads[2048 + i] as number)));
    expect(worst).toBeLessThan(1e-3);
    model.dispose();
  }, 300_000);

  it("retraining reproduces the model byte for byte", async () => {
    const one = ["train.epochs=1", "model.filters=4"];
    const a = await trainPipeline(
      await tiny([...one, `train.output=${join(root, "r1")}`, `train.checkpoints=${join(root, "r1.train")}`]),
      { force: true },
    );
    const b = await trainPipeline(
      await tiny([...one, `train.output=${join(root, "r2")}`, `train.checkpoints=${join(root, "r2.train")}`]),
      { force: true },
    );
    expect(a.history[0]?.loss).toBe(b.history[0]?.loss);
    expect(readFileSync(join(root, "r1", "weights.bin")).equals(readFileSync(join(root, "r2", "weights.bin")))).toBe(
      true,
    );
  }, 120_000);

  it("a model trained on another variable is refused, naming the input", async () => {
    const p = await loadPipeline("pipelines/global-forecast.yaml", [
      "model.path=../models/radar-nowcast",
      "model.type=convlstm",
      `output.path=${join(root, "wrong.zarr")}`,
    ]);
    await expect(runForecast(p, { cycle: "2000-03-01T00:00Z" })).rejects.toThrow(
      /tracer-5.625deg-6h.zarr: the model in .*radar-nowcast was trained on 'rain_rate'; the input's variable is 't'/,
    );
  });

  it.each([
    [["model.history=3"], "model global-cnn: 2 bands do not split into 3 time levels"],
    [["model.history=1"], "train.sequence.input is 2 but model.history is 1: they must match"],
    [["train.sequence.output=2"], "train.sequence.output: a state model steps once (output: 1)"],
  ])("a misconfigured pipeline is one line naming the file: %s", async (set, text) => {
    const p = await tiny(set);
    const e = await trainPipeline(p, { force: true }).then(
      () => null,
      (x: Error) => x,
    );
    expect(e?.message.split("\n")).toHaveLength(1);
    expect(e?.message).toContain(FILE.replace("pipelines/", ""));
    expect(e?.message).toContain(text);
  });
});
