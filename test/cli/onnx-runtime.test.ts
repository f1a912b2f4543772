/**
 * The ONNX runtime in use: the shipped U-Net's predict pipeline gives the same product with
 * `--runtime onnx` and `--runtime tfjs`, the first without loading TF.js's compute backend;
 * `auto` falls back to TF.js, saying why, when ONNX Runtime cannot start (selecting the compute
 * backend then, with the same product as a TF.js run), and `onnx` then fails with one line; `model export` writes model.onnx
 * and records it in the card, and a stale export (weights changed, or an earlier exporter) is not
 * used; exporting a layer the converter would not reproduce fails in one line naming the model;
 * `doctor` names the inference runtime.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { loadModelDir, saveModelDir } from "../../src/nn/model-card.js";
import { EXPORTER, exportOnnx } from "../../src/nn/onnx/export.js";
import { onnxBytesFor } from "../../src/nn/onnx/model-file.js";
import { BIN, tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

function run(runtime: string, out: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(
    process.execPath,
    [
      BIN,
      "run",
      "pipelines/scene-water.yaml",
      "--set",
      `output.path=${out}`,
      "--set",
      `output.quicklook=${out}.png`,
      "--runtime",
      runtime,
      "--log-format",
      "json",
      "-q",
    ],
    { encoding: "utf8", env: { ...process.env, ...env } },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasGdal)("inference runtimes", () => {
  it("scene-water: ONNX Runtime and TF.js give the same water map", () => {
    const a = tmp("onnx.tif");
    const b = tmp("tfjs.tif");
    const ra = run("onnx", a);
    const rb = run("tfjs", b);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(JSON.parse(ra.stdout)).toMatchObject({ runtime: "onnx", provider: "cpu" });
    expect(JSON.parse(rb.stdout)).toMatchObject({ runtime: "tfjs" });
    // TF.js only reads the model ONNX Runtime runs: its compute backend is not loaded for that.
    expect(JSON.parse(ra.stdout).backendInfo.backend).toBe("cpu");
    expect(JSON.parse(rb.stdout).backendInfo.backend).not.toBe("cpu");
    const d = py<{ diff: number; scale: number; classes: number }>(`A = gdal.Open("${a}"); B = gdal.Open("${b}")
a = A.ReadAsArray().astype(np.float64); b = B.ReadAsArray().astype(np.float64)
print(json.dumps({"diff": float(np.abs(a - b).max()), "scale": float(np.abs(b).max()), "classes": int(((a > 0.5) != (b > 0.5)).sum())}))`);
    expect(d.diff / d.scale).toBeLessThan(1e-4);
    expect(d.classes).toBe(0);
  });

  it("auto falls back to TF.js and says why; onnx fails with one line", () => {
    const env = { TILECAST_ONNX_PROVIDERS: "nosuchprovider" };
    const autoOut = tmp("auto.tif");
    const auto = run("auto", autoOut, env);
    expect(auto.code, auto.stderr).toBe(0);
    const s = JSON.parse(auto.stdout);
    expect(s.runtime).toBe("tfjs");
    expect(s.runtimeFallback).toMatch(/ONNX Runtime could not start a session \(nosuchprovider:/);
    // The run started on the cpu backend alone, then selected the compute backend for TF.js,
    // and the model read on the first runs on the second as a TF.js run's does: the same map.
    const backends = auto.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .filter((e) => e.event === "backend")
      .map((e) => e.backend);
    expect(backends).toEqual(["cpu", s.backendInfo.backend]);
    expect(s.backendInfo.backend).not.toBe("cpu");
    const tfjsOut = tmp("tfjs-again.tif");
    expect(run("tfjs", tfjsOut).code).toBe(0);
    const same = py<{
      diff: number;
      n: number;
    }>(`a = gdal.Open("${autoOut}").ReadAsArray(); b = gdal.Open("${tfjsOut}").ReadAsArray()
print(json.dumps({"diff": float(np.nanmax(np.abs(a.astype(np.float64) - b))), "n": int(np.isfinite(a).sum())}))`);
    expect(same.n).toBeGreaterThan(0);
    expect(same.diff).toBe(0);
    const onnx = run("onnx", tmp("onnx.tif"), env);
    expect(onnx.code).toBe(1);
    // JSON logs go to stderr too; the error is its one plain line, last.
    const plain = onnx.stderr
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("{"));
    expect(plain).toHaveLength(1);
    expect(plain[0]).toMatch(/^tilecast: .*models\/scene-water: runtime onnx: ONNX Runtime could not start a session/);
    const bad = tilecast("run", "pipelines/scene-water.yaml", "--runtime", "gpu");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/argument 'gpu' is invalid\. Allowed choices are auto, onnx, tfjs/);
  });

  it("model export writes model.onnx beside model.json; a stale export is not used", async () => {
    const dir = tmp("water");
    cpSync("models/scene-water", dir, { recursive: true });
    const r = tilecast("model", "export", dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*model\.onnx \(ONNX opset 17, \d+ KiB, weights sha256 [0-9a-f]{12}\)/);
    const card = JSON.parse(readFileSync(`${dir}/card.json`, "utf8"));
    expect(card.onnx).toMatchObject({ file: "model.onnx", opset: 17, exporter: EXPORTER });
    expect(card.onnx.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    const { model } = await loadModelDir(dir);
    expect((await onnxBytesFor(model, dir)).source).toBe("file");
    // Retrained weights (here: the recorded hash no longer matches) are exported afresh.
    writeFileSync(
      `${dir}/card.json`,
      JSON.stringify({ ...card, onnx: { ...card.onnx, weightsSha256: "0".repeat(64) } }),
    );
    expect((await onnxBytesFor(model, dir)).source).toBe("stale-file");
    // So is a file an earlier revision of the exporter wrote (no `exporter` recorded: revision 1).
    const { exporter: _e, ...older } = card.onnx;
    writeFileSync(`${dir}/card.json`, JSON.stringify({ ...card, onnx: older }));
    expect((await onnxBytesFor(model, dir)).source).toBe("stale-file");
    writeFileSync(`${dir}/card.json`, JSON.stringify(card));
    expect((await onnxBytesFor(model, dir)).source).toBe("file");
    const out = tmp("elsewhere.onnx");
    expect(tilecast("model", "export", dir, "--out", out).code).toBe(0);
    expect(existsSync(out)).toBe(true);
    model.dispose();
  });

  it("model export of a layer the converter would not reproduce fails in one line naming the directory, writing nothing", async () => {
    const dir = tmp("channels-first");
    const x = tf.input({ shape: [16, 16, 4] });
    const conv = tf.layers.conv2d({
      filters: 1,
      kernelSize: 3,
      padding: "same",
      dataFormat: "channelsFirst",
      name: "cf",
    });
    const model = tf.model({ inputs: x, outputs: conv.apply(x) as tf.SymbolicTensor });
    await saveModelDir(dir, model, {
      architecture: { type: "unet" },
      inputs: ["b", "g", "r", "n"].map((name) => ({ name })),
      outputs: [{ name: "water" }],
    });
    const r = tilecast("model", "export", dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      `tilecast: ${dir}: ONNX export: layer 'cf' (Conv2D) uses dataFormat 'channelsFirst' (channelsLast only)`,
    ]);
    expect(existsSync(`${dir}/model.onnx`)).toBe(false);
    expect(JSON.parse(readFileSync(`${dir}/card.json`, "utf8")).onnx).toBeUndefined();
  });

  it.each(["scene-water", "scene-seg", "radar-nowcast", "global-forecast"])(
    "the shipped %s model.onnx is current: its recorded weights and exporter match, its bytes equal a fresh export",
    async (name) => {
      const { model } = await loadModelDir(`models/${name}`);
      const shipped = await onnxBytesFor(model, `models/${name}`);
      expect(shipped.source).toBe("file");
      expect(Buffer.from(shipped.bytes).equals(Buffer.from(exportOnnx(model)))).toBe(true);
      model.dispose();
    },
  );

  it("a session starts whatever flags the parent process was given (--input-type, loaders)", () => {
    const code = `const { exportOnnx, OnnxSession, unet } = await import(${JSON.stringify(`${process.cwd()}/dist/index.js`)});
const s = await OnnxSession.create(exportOnnx(unet({ inputShape: [16, 16, 2], depth: 1, filters: 2 })));
const y = await s.run(new Float32Array(512), [1, 16, 16, 2]);
console.log(JSON.stringify(y.dims)); await s.release();`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" });
    expect(r.stderr.replace(/.*npm warn.*\n?/g, "")).toBe("");
    expect(r.stdout.trim()).toBe("[1,16,16,1]");
  });

  it("doctor names the inference runtime, its version, providers and threads", () => {
    const r = tilecast("doctor", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.inference).toBe("onnx");
    expect(j.onnx).toMatchObject({ available: true, version: "1.30.0", providers: ["cpu"] });
    expect(j.onnx.threads).toBeGreaterThan(0);
    expect(tilecast("doctor").stdout).toMatch(/^inference ONNX Runtime 1\.30\.0, providers cpu, \d+ threads$/m);
  });
});
