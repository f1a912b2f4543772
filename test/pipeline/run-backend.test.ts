/**
 * The TF.js backend a run starts with: the cpu backend alone where ONNX Runtime may run the
 * network (TF.js then only reads it), the compute backend where TF.js runs the model, and a
 * TILECAST_BACKEND that names no backend refused either way.
 */
import { afterEach, describe, expect, it } from "vitest";
import { onnxMayRun, runBackend } from "../../src/pipeline/run-backend.js";
import { tf } from "../../src/tfjs.js";

const unet = { type: "unet", path: "models/scene-water" };
const saved = process.env.TILECAST_BACKEND;

afterEach(() => {
  if (saved === undefined) delete process.env.TILECAST_BACKEND;
  else process.env.TILECAST_BACKEND = saved;
});

describe("runBackend", () => {
  it("ONNX Runtime may run a network unless the pipeline asks for TF.js; never a model that is no network", () => {
    expect(onnxMayRun({ runtime: "auto", model: unet })).toBe(true);
    expect(onnxMayRun({ runtime: "onnx", model: unet })).toBe(true);
    expect(onnxMayRun({ runtime: "tfjs", model: unet })).toBe(false);
    expect(onnxMayRun({ runtime: "auto", model: { type: "ndvi" } })).toBe(false);
    expect(onnxMayRun({ runtime: "auto", model: { type: "identity" } })).toBe(false);
  });

  it("a run ONNX Runtime may do starts on the cpu backend; the hook selects the compute backend", async () => {
    process.env.TILECAST_BACKEND = "wasm";
    const start = await runBackend({ runtime: "auto", model: unet });
    expect(start.report.backend).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(start.beforeTfjs).not.toBeNull();
    const later = await start.beforeTfjs?.();
    expect(later?.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });

  it("a run TF.js does selects the compute backend at once, and has no hook", async () => {
    process.env.TILECAST_BACKEND = "wasm";
    await tf.setBackend("cpu");
    for (const p of [
      { runtime: "tfjs" as const, model: unet },
      { runtime: "auto" as const, model: { type: "ndvi" } },
    ]) {
      const start = await runBackend(p);
      expect(start.report.backend).toBe("wasm");
      expect(start.beforeTfjs).toBeNull();
      await tf.setBackend("cpu");
    }
  });

  it("a TILECAST_BACKEND that names no backend is refused before anything loads", async () => {
    process.env.TILECAST_BACKEND = "webgpu";
    for (const runtime of ["auto", "tfjs"] as const)
      await expect(runBackend({ runtime, model: unet })).rejects.toMatchObject({
        code: "E_ARGUMENT",
        message: expect.stringMatching(/TILECAST_BACKEND must be tensorflow, wasm or cpu, got 'webgpu'/),
      });
  });
});
