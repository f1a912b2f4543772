/**
 * Layers with options at their edges, for the converter tests (ONNX, the TensorFlow graph): padding
 * `same` with a kernel of even size or shorter than its stride, strides unequal between the axes,
 * dilated convolutions, pooling over odd sizes, and transposed convolutions whose kernel is
 * shorter than their stride.
 * Each is `[name, make the layer, input shape (height, width, channels)]`.
 */
import * as tf from "@tensorflow/tfjs";

/** A model of one layer on images of `shape` (height, width, channels). */
export function modelOf(layer: tf.layers.Layer, shape: readonly number[]): tf.LayersModel {
  const x = tf.input({ shape: [...shape] });
  return tf.model({ inputs: x, outputs: layer.apply(x) as tf.SymbolicTensor });
}

const conv = (o: Partial<Parameters<typeof tf.layers.conv2d>[0]>) =>
  tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", useBias: true, biasInitializer: "ones", ...o });
const transposed = (o: Partial<Parameters<typeof tf.layers.conv2dTranspose>[0]>) =>
  tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, biasInitializer: "ones", ...o });

export const edgeLayers: readonly [string, () => tf.layers.Layer, readonly number[]][] = [
  ["conv 4x4, stride 2, same", () => conv({ kernelSize: 4, strides: 2 }), [9, 9, 2]],
  ["conv 2x2, stride 3, same", () => conv({ kernelSize: 2, strides: 3 }), [10, 11, 2]],
  ["conv 3x1, stride 2, same", () => conv({ kernelSize: [3, 1], strides: 2 }), [7, 8, 2]],
  ["conv 2x5, strides 1 and 3, same", () => conv({ kernelSize: [2, 5], strides: [1, 3] }), [10, 11, 2]],
  ["conv 3x3 dilated 2, same", () => conv({ dilationRate: 2 }), [9, 10, 2]],
  ["conv 4x3 dilated 3 and 2, same", () => conv({ kernelSize: [4, 3], dilationRate: [3, 2] }), [12, 10, 2]],
  ["conv 3x3 dilated 2, valid", () => conv({ dilationRate: 2, padding: "valid" }), [9, 10, 2]],
  [
    "max pool 3, stride 2, same",
    () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }),
    [9, 10, 2],
  ],
  ["average pool 2, same, odd size", () => tf.layers.averagePooling2d({ poolSize: 2, padding: "same" }), [9, 9, 2]],
  ["transposed 4x4, stride 2, same", () => transposed({ kernelSize: 4, strides: 2, padding: "same" }), [5, 6, 2]],
  ["transposed 4x4, stride 2, valid", () => transposed({ kernelSize: 4, strides: 2, padding: "valid" }), [5, 6, 2]],
  ["transposed 2x2, stride 3, valid", () => transposed({ kernelSize: 2, strides: 3, padding: "valid" }), [4, 5, 2]],
  ["transposed 1x2, stride 3, same", () => transposed({ kernelSize: [1, 2], strides: 3, padding: "same" }), [4, 5, 2]],
  [
    "transposed 2x5, strides 3 and 2, valid",
    () => transposed({ kernelSize: [2, 5], strides: [3, 2], padding: "valid" }),
    [4, 5, 2],
  ],
];

/** A ConvLSTM2D over 3 frames of 12 x 12 x 1 whose input convolution is dilated (2). */
export function dilatedConvLstm(): tf.LayersModel {
  const x = tf.input({ shape: [3, 12, 12, 1] });
  const rnn = tf.layers.convLstm2d({
    filters: 2,
    kernelSize: 3,
    padding: "same",
    dilationRate: 2,
    returnSequences: true,
  });
  return tf.model({ inputs: x, outputs: rnn.apply(x) as tf.SymbolicTensor });
}
