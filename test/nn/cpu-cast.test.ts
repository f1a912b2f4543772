import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../src/nn/backend.js";

describe("tensors cast on cpu keep their values on another backend", () => {
  it("bool and int32 up-casts made on cpu read the same on wasm", async () => {
    await selectBackend({ prefer: "cpu" });
    const x = tf.tensor([1, -1, 2, -2, 3, -3]);
    const mask = x.greater(0).toFloat(); // bool -> float32
    const ints = tf.tensor([7, -8, 9], [3], "int32").toFloat(); // int32 -> float32
    const flags = x.greater(0).cast("int32"); // bool -> int32
    expect(mask.dataSync()).toBeInstanceOf(Float32Array);
    expect(flags.dataSync()).toBeInstanceOf(Int32Array);
    await selectBackend({ prefer: "wasm" });
    expect(Array.from(mask.dataSync())).toEqual([1, 0, 1, 0, 1, 0]);
    expect(mask.mean().dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(Array.from(ints.add(0.5).dataSync())).toEqual([7.5, -7.5, 9.5]);
    expect(flags.sum().dataSync()[0]).toBe(3);
  });
});
