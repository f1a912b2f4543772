/**
 * Run a 1x1-convolution model on ONNX Runtime's worker (`OnnxSession`) `runs` times on
 * `1 x side x side x 1` batches, one after another, then print "done". Run with `--trace-gc` by
 * `test/nn/onnx-young-gc.test.ts`, which counts the session thread's forced young collections.
 *
 *   node --trace-gc --import tsx test/helpers/onnx-runs.ts SIDE RUNS
 */
import * as tf from "@tensorflow/tfjs";
import { exportOnnx } from "../../src/nn/onnx/export.js";
import { OnnxSession } from "../../src/nn/onnx/session.js";

const side = Number(process.argv[2]);
const runs = Number(process.argv[3]);
await tf.setBackend("cpu");
const m = tf.sequential({
  layers: [tf.layers.conv2d({ inputShape: [null, null, 1], filters: 1, kernelSize: 1, kernelInitializer: "ones" })],
});
const session = await OnnxSession.create(exportOnnx(m));
const shape = [1, side, side, 1];
for (let i = 0; i < runs; i++) {
  const out = await session.run(new Float32Array(side * side).fill(i), shape, { transfer: true });
  if (out.data[0] !== i) throw new Error(`run ${i} gave ${out.data[0]}`);
}
await session.release();
console.log("done");
