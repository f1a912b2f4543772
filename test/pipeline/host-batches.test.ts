/**
 * Batches of a model that reads them on the JavaScript side (`identity`; ONNX Runtime) stay on
 * the host: the wasm backend is never handed a batch, and the output is the same. The real wasm
 * backend's `write` is wrapped to count what it is given.
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { selectBackend } from "../../src/nn/backend.js";
import { loadPipeline } from "../../src/pipeline/config.js";
import { runPipeline } from "../../src/pipeline/run.js";
import { tmp } from "../helpers/write.js";

let writes: number[] = [];
let restore = () => {};

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
  const b = tf.backend() as unknown as { write: (v: ArrayLike<number> | null, ...rest: unknown[]) => unknown };
  const write = b.write;
  b.write = function (values, ...rest) {
    writes.push(values?.length ?? 0); // null: a kernel's output being allocated
    return write.call(this, values, ...rest);
  };
  restore = () => {
    b.write = write;
  };
});
afterAll(() => restore());

/** Run `pipeline` to a fresh output; the sizes of the wasm writes, and the output's values. */
async function run(pipeline: string, name: string): Promise<{ writes: number[]; values: Float32Array }> {
  const out = tmp(`${name}.tif`);
  const p = await loadPipeline(pipeline, [`output.path=${out}`, `output.quicklook=${out}.png`]);
  writes = [];
  await runPipeline(p);
  const seen = writes;
  const src = await openSource(out);
  const g = await src.readWindow({ x: 0, y: 0, width: src.meta.width, height: src.meta.height });
  await src.close();
  return { writes: seen, values: g.data as Float32Array };
}

describe("host batches", () => {
  it("identity: no batch reaches the wasm backend, and the output is the normalized input", async () => {
    const { writes: w, values } = await run("pipelines/scene-identity.yaml", "identity-host");
    const batch = 8 * 160 * 160 * 4; // 8 tiles of 128 px + 2 x 16 px halo, 4 bands
    expect(w.filter((n) => n >= batch / 8)).toStrictEqual([]);
    // z-scores of a 512² scene: finite, centred, unit spread per band
    const plane = 512 * 512;
    for (let b = 0; b < 4; b++) {
      let s = 0;
      let ss = 0;
      for (let i = b * plane; i < (b + 1) * plane; i++) {
        s += values[i] as number;
        ss += (values[i] as number) ** 2;
      }
      expect(Math.abs(s / plane)).toBeLessThan(1e-3);
      expect(Math.sqrt(ss / plane)).toBeCloseTo(1, 2);
    }
  });

  it("a model that runs on the backend (ndvi) is handed its batches (control)", async () => {
    const { writes: w } = await run("pipelines/scene-ndvi.yaml", "ndvi-wasm");
    expect(w.filter((n) => n === 8 * 160 * 160 * 4).length).toBeGreaterThan(0);
  });
});
