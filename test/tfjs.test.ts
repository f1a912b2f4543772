/** `src/tfjs.ts` requires TensorFlow.js: the instance any other import of the package gets. */
import { spawnSync } from "node:child_process";
import * as imported from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { tf } from "../src/tfjs.js";

describe("tf (required)", () => {
  it("is the package's one engine: a backend set through either is the other's, and tensors are shared", async () => {
    expect(tf.engine()).toBe(imported.engine());
    await imported.setBackend("cpu");
    expect(tf.getBackend()).toBe("cpu");
    const t = imported.tensor([1, 2, 3]);
    expect(t).toBeInstanceOf(tf.Tensor);
    expect(Array.from(await tf.mul(t, 2).data())).toStrictEqual([2, 4, 6]);
    expect(tf.version.tfjs).toBe(imported.version.tfjs);
  });
});

describe("tf alone (a process that never imports the package itself)", () => {
  it("has the tensor methods the union package registers, which layers' own code calls", () => {
    // Requiring tfjs-core and tfjs-layers without the union left tensors without their chained
    // methods (`t.flatten()`), and the orthogonal initializer failed in every replica worker.
    const script = `
      import { tf } from "./dist/tfjs.js";
      await tf.setBackend("cpu");
      const t = tf.tensor([[1, 2], [3, 4]]);
      const q = tf.initializers.orthogonal({ seed: 1 }).apply([3, 3]);
      const qtq = tf.matMul(q, q, true, false).arraySync().flat().map((v) => Math.round(v * 1e5) / 1e5);
      console.log(t.flatten().arraySync().join(","), t.reshape([4]).sum().arraySync(), qtq.join(","));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.stdout.trim()).toBe("1,2,3,4 10 1,0,0,0,1,0,0,0,1");
  });
});

describe("host tensors", () => {
  it("are made on the cpu backend without its advice to install tfjs-node (a fresh process on wasm)", () => {
    const script = `
      import * as tf from "@tensorflow/tfjs";
      import "@tensorflow/tfjs-backend-wasm";
      import { tensorFromArray } from "./dist/nn/tensor-array.js";
      await tf.setBackend("wasm");
      const t = tensorFromArray(new Float32Array([1, 2]), [2], { host: true });
      console.log(tf.engine().state.tensorInfo.get(t.dataId).backend === tf.findBackend("cpu"), Array.from(t.dataSync()).join(","));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stdout.trim()).toBe("true 1,2");
    expect(r.stderr).toBe("");
  });
});
