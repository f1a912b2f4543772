/** `src/tfjs.ts` requires TensorFlow.js: the instance any other import of the package gets. */
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
