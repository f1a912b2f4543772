/**
 * Layer options the converters do not reproduce are refused by name, by the ONNX export and the
 * TensorFlow graph alike, instead of converting into another computation: channels-first
 * convolution, pooling and upsampling (also inside TimeDistributed), and a ConvLSTM2D run
 * backwards. The same layers with their options as the converters hold them convert.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { layerOptionProblem } from "../../src/nn/layer-options.js";
import { exportOnnx } from "../../src/nn/onnx/export.js";
import { exportSavedModel } from "../../src/nn/tf-graph/export.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** A model of `layer` on images of 8 x 8 x 3 (or sequences of 2 such frames). */
function modelOf(layer: tf.layers.Layer, frames = 0): tf.LayersModel {
  const x = tf.input({ shape: frames ? [frames, 8, 8, 3] : [8, 8, 3] });
  return tf.model({ inputs: x, outputs: layer.apply(x) as tf.SymbolicTensor });
}

const channelsFirst = [
  () => tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: "same", dataFormat: "channelsFirst", name: "cf" }),
  () => tf.layers.maxPooling2d({ poolSize: 2, dataFormat: "channelsFirst", name: "cf" }),
  () => tf.layers.upSampling2d({ size: [2, 2], dataFormat: "channelsFirst", name: "cf" }),
];

describe("layer options the converters do not reproduce", () => {
  it("tfjs runs a channels-first layer on the NHWC input as C = 8, H = 8, W = 3", () => {
    // The computation a converter would get wrong: the layer reads the tile's rows as channels.
    const y = modelOf(channelsFirst[0]?.() as tf.layers.Layer).predict(tf.zeros([1, 8, 8, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 2, 8, 3]);
  });

  for (const make of channelsFirst) {
    const cls = make().getClassName();
    it(`${cls} with dataFormat channelsFirst is refused by both converters`, () => {
      const why = /layer 'cf' \(\w+\) uses dataFormat 'channelsFirst' \(channelsLast only\)/;
      expect(() => exportOnnx(modelOf(make()))).toThrow(new RegExp(`ONNX export: ${why.source}`));
      expect(() => exportSavedModel(modelOf(make()))).toThrow(new RegExp(`TensorFlow graph: ${why.source}`));
    });
  }

  it("a TimeDistributed layer is checked through to the layer it wraps", () => {
    const inner = tf.layers.conv2d({ filters: 2, kernelSize: 1, dataFormat: "channelsFirst" });
    const td = () => tf.layers.timeDistributed({ layer: inner, name: "td" });
    expect(() => exportOnnx(modelOf(td(), 2))).toThrow(
      /layer 'td' \(TimeDistributed\) uses dataFormat 'channelsFirst'/,
    );
    expect(() => exportSavedModel(modelOf(td(), 2))).toThrow(
      /TensorFlow graph: layer 'td' \(TimeDistributed\) uses dataFormat/,
    );
  });

  it("a ConvLSTM2D run backwards is refused by both", () => {
    const lstm = () =>
      tf.layers.convLstm2d({ filters: 2, kernelSize: 3, padding: "same", goBackwards: true, name: "rnn" });
    const why = "layer 'rnn' \\(ConvLSTM2D\\) is backwards, stateful or returns its state";
    expect(() => exportOnnx(modelOf(lstm(), 2))).toThrow(new RegExp(`ONNX export: ${why}`));
    expect(() => exportSavedModel(modelOf(lstm(), 2))).toThrow(new RegExp(`TensorFlow graph: ${why}`));
  });

  it("the same layers channels-last, and a forward ConvLSTM2D, convert", () => {
    const last = [
      tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: "same", dataFormat: "channelsLast" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.upSampling2d({ size: [2, 2], interpolation: "bilinear" }),
    ];
    for (const l of last) expect(layerOptionProblem(l)).toBeNull();
    for (const l of last) expect(exportOnnx(modelOf(l)).length).toBeGreaterThan(100);
    const lstm = tf.layers.convLstm2d({ filters: 2, kernelSize: 3, padding: "same", returnSequences: true });
    expect(layerOptionProblem(lstm)).toBeNull();
    expect(exportSavedModel(modelOf(lstm, 2)).length).toBeGreaterThan(100);
  });
});
