import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BIN, tilecast } from "../helpers/cli.js";
import { gdalinfo, hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";

function withBackend(backend: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, TILECAST_BACKEND: backend },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("tilecast doctor", () => {
  it("reports the backend chosen, its version and threads, and why native TensorFlow was skipped", () => {
    const r = tilecast("doctor", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(["tensorflow", "wasm"]).toContain(d.backend);
    expect(d.version).toMatch(/^4\.\d+\.\d+$/);
    if (d.backend === "wasm") {
      expect(d).toMatchObject({ package: "@tensorflow/tfjs-backend-wasm", threads: 1, gpu: false, simd: true });
      expect(d.skipped.map((s: { backend: string }) => s.backend)).toStrictEqual([
        "@tensorflow/tfjs-node-gpu",
        "@tensorflow/tfjs-node",
      ]);
    }
    expect(d.modelTypes).toStrictEqual(["convlstm", "global-cnn", "identity", "ndvi", "unet"]);
    // No GPU device here: no Vulkan GPU for ONNX Runtime's WebGPU provider, so only the CPU's.
    expect(d.vulkanGpu).toBeNull();
    expect(d.onnx.providers).toStrictEqual(["cpu"]);
    const text = tilecast("doctor");
    expect(text.stdout).toMatch(/^gpu {7}TF\.js no; ONNX Runtime no Vulkan GPU found$/m);
  });

  it("TILECAST_BACKEND picks one; a bad name is a usage error", () => {
    const cpu = withBackend("cpu", "doctor");
    expect(cpu.code).toBe(0);
    expect(cpu.stdout).toMatch(/^backend {3}cpu 4\.\d+\.\d+ \(1 thread\)$/m);
    const bad = withBackend("gpu", "doctor");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("tilecast: TILECAST_BACKEND must be tensorflow, wasm or cpu, got 'gpu'\n");
  });
});

describe("tilecast model summary", () => {
  it("an architecture by name: parameters and receptive field from the formulas", () => {
    const r = tilecast("model", "summary", "unet", "--set", "depth=3", "--set", "filters=16", "--json");
    expect(r.stderr).toBe("");
    const s = JSON.parse(r.stdout);
    expect(s.totalParams).toBe(484993);
    // two batch norms per block, each with a moving mean and variance that are not trained
    expect(s.trainableParams).toBe(484993 - 2 * 2 * (16 + 32 + 64 + 128 + 64 + 32 + 16));
    expect(s.receptiveField).toStrictEqual({ size: 96, jump: 1 });
    expect(s.layers[1]).toStrictEqual({
      name: "enc0_conv1",
      type: "Conv2D",
      outputShape: [null, 128, 128, 16],
      params: 592,
      receptiveField: { size: 3, jump: 1 },
    });
  });

  it("a model directory, as a table", () => {
    const r = tilecast("model", "summary", "models/scene-water");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^head \(Conv2D\) +\[\?, \?, \?, 1\] +9 +\d+$/m);
    expect(r.stdout).toMatch(/^Total params: \d+ {2}\(trainable \d+, non-trainable \d+\)$/m);
  });

  it("bad models and options give one-line errors", () => {
    const missing = tilecast("model", "summary", "no/such/model");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      "tilecast: no/such/model: not a model directory or an architecture (unet, convlstm, global-cnn)\n",
    );
    const odd = tilecast("model", "summary", "unet", "--input", "100x100x4", "--set", "depth=3");
    expect(odd.code).toBe(2);
    expect(odd.stderr).toBe(
      "tilecast: unet: input 100x100 is not divisible by 2^depth = 8; use a tile size that is (e.g. 104)\n",
    );
    const key = tilecast("model", "summary", "global-cnn", "--set", "colour=red");
    expect(key.code).toBe(2);
    expect(key.stderr).toBe("tilecast: model global-cnn: unknown key 'colour'\n");
  });
});

describe.skipIf(!hasGdal)("tilecast run with the trained U-Net", () => {
  it("scene-water: segments the river (IoU >= 0.9 against NDVI < 0), georeferenced like the input", () => {
    const out = tmp("water.tif");
    const r = tilecast(
      "run",
      "pipelines/scene-water.yaml",
      "--set",
      `output.path=${out}`,
      "--set",
      `output.quicklook=${out}.png`,
      "-q",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const iou = py<{ all: number; heldOut: number }>(`
a = gdal.Open("${SCENE}").ReadAsArray().astype(np.float64)
water = (a[3] - a[2]) / (a[3] + a[2]) < 0
ds = gdal.Open("${out}")  # keep the dataset referenced while its band is read
p = ds.GetRasterBand(1).ReadAsArray() > 0.5
iou = lambda m, t: float((m & t).sum() / (m | t).sum())
print(json.dumps({"all": iou(p, water), "heldOut": iou(p[:, 384:], water[:, 384:])}))`);
    expect(iou.all).toBeGreaterThan(0.9);
    expect(iou.heldOut).toBeGreaterThan(0.9);
    expect(gdalinfo(out).geoTransform).toStrictEqual(gdalinfo(SCENE).geoTransform);
  });

  it("a tile window the U-Net cannot pool is a one-line error and leaves no output", () => {
    const out = tmp("water-bad.tif");
    const r = tilecast(
      "run",
      "pipelines/scene-water.yaml",
      "--set",
      `output.path=${out}`,
      "--set",
      "tiling.size=50",
      "-q",
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "tilecast: unet: tile windows of 82x82 are not divisible by 4; choose tileSize + 2·overlap divisible by 4\n",
    );
    expect(existsSync(out)).toBe(false);
  });
});
