/**
 * ONNX export of layer options at their edges, each against TF.js on the same input (within 1e-5
 * of the output's scale, same shape): padding `same` with a kernel of even size, strides unequal
 * between the axes, a dilated convolution (ONNX Runtime refuses SAME with dilations, so its pads
 * are written out), pooling over odd sizes, and transposed convolutions whose kernel is shorter
 * than their stride (tfjs's output is `in * stride` long; ONNX's is shorter unless given the
 * missing positions as output padding).
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { dilatedConvLstm, edgeLayers, modelOf } from "../helpers/edge-layers.js";
import { compare } from "../helpers/onnx-compare.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("ONNX export at the edges of layer options", () => {
  it.each(edgeLayers)("%s equals TF.js", async (_name, make, shape) => {
    expect(await compare(modelOf(make(), shape), [2, ...shape])).toBeLessThan(1e-5);
  });

  it("a ConvLSTM2D with a dilated input convolution equals TF.js", async () => {
    expect(await compare(dilatedConvLstm(), [2, 3, 12, 12, 1])).toBeLessThan(1e-5);
  });
});
