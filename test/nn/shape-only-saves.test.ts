/**
 * Tape nodes keep only what their gradients read: the same gradients for the three kinds of
 * model (periodic residual CNN, U-Net with batch norm and skip concatenations, a dense layer's
 * fused product), fewer bytes held for the backward pass, and a value-reading gradient put in
 * place of a shape-only one failing instead of computing garbage (cpu backend). On wasm, the
 * `Identity` that saves tensors shares its input's memory, counted by reference.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { globalCnn } from "../../src/models/global-cnn.js";
import { unet } from "../../src/models/unet.js";
import { freeGradientsEarly } from "../../src/nn/free-gradients.js";
import { saveShapesOnly } from "../../src/nn/shape-only-saves.js";
import { registerWasmTrainingKernels } from "../../src/nn/wasm/register.js";

type Node = { kernelName: string; saved?: unknown[] };

/** A model's gradients on `x`, and what the tape holds when the backward pass starts. */
function step(model: tf.LayersModel, x: tf.Tensor) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let held = 0;
  let nodes: Node[] = [];
  // An identity whose gradient, the first to run, reads the tape the forward pass left.
  const probe = tf.customGrad((t) => ({
    value: tf.clone(t as tf.Tensor),
    gradFunc: (dy) => {
      nodes = [...((tf.engine() as unknown as { state: { activeTape: Node[] } }).state.activeTape ?? [])];
      const seen = new Set<unknown>();
      for (const n of nodes)
        for (const s of n.saved ?? [])
          if (s instanceof tf.Tensor && !seen.has(s.dataId)) {
            seen.add(s.dataId);
            held += s.size * 4;
          }
      return dy as tf.Tensor;
    },
  }));
  const { value, grads } = tf.variableGrads(
    () => tf.mean(tf.square(probe(model.apply(x, { training: true }) as tf.Tensor) as tf.Tensor)),
    vars,
  );
  const out = vars.map((v) => Array.from((grads[v.name] as tf.Tensor).dataSync()));
  tf.dispose([value, ...Object.values(grads)]);
  return { grads: out, held, nodes };
}

/** The step without, then with, the saves trimmed. */
function both(model: tf.LayersModel, x: tf.Tensor) {
  saveShapesOnly()(); // tfjs's own first (undo, if an import installed it)
  const stock = step(model, x);
  const undo = saveShapesOnly();
  try {
    return { stock, trimmed: step(model, x) };
  } finally {
    undo();
  }
}

const dense = () => {
  const input = tf.input({ shape: [6] });
  const h = tf.layers.dense({ units: 8, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(input);
  const r = tf.layers.activation({ activation: "relu" }).apply(h);
  const y = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(r);
  return tf.model({ inputs: input, outputs: y as tf.SymbolicTensor });
};

describe("saved tensors trimmed to what gradients read", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });
  afterAll(() => {
    saveShapesOnly(); // as the package leaves it
  });

  it("gives tfjs's gradients for a periodic residual CNN, holding under 0.75 of its bytes", () => {
    const model = globalCnn({ height: 12, width: 24, channels: 3, blocks: 2, filters: 8, seed: 1 });
    const x = tf.randomNormal([2, 12, 24, 3], 0, 1, "float32", 5);
    const { stock, trimmed } = both(model, x);
    expect(trimmed.grads).toStrictEqual(stock.grads);
    expect(trimmed.held).toBeLessThan(0.75 * stock.held);
    // No residual sum keeps a tensor, and no linear convolution its output.
    const tensorsOf = (kind: string, at?: number) =>
      trimmed.nodes
        .filter((n) => n.kernelName === kind)
        .flatMap((n) => (at === undefined ? (n.saved ?? []) : [n.saved?.[at]]))
        .filter((s) => s instanceof tf.Tensor);
    expect(tensorsOf("Add")).toHaveLength(0);
    expect(tensorsOf("fusedConv2d__op", 2)).toHaveLength(0);
    expect(tensorsOf("fusedConv2d__op", 1).length).toBeGreaterThan(0); // inputs stay: they are read
    tf.dispose([x]);
    model.dispose();
  });

  it("gives tfjs's gradients for a U-Net with batch norm and skip concatenations", () => {
    const model = unet({ inputShape: [16, 16, 2], depth: 2, filters: 4, seed: 3 });
    const x = tf.randomNormal([2, 16, 16, 2], 0, 1, "float32", 4);
    const { stock, trimmed } = both(model, x);
    expect(trimmed.grads).toStrictEqual(stock.grads);
    expect(trimmed.held).toBeLessThan(stock.held);
    expect(trimmed.nodes.filter((n) => n.kernelName === "Concat").flatMap((n) => n.saved ?? [])).not.toContainEqual(
      expect.any(tf.Tensor),
    );
    tf.dispose([x]);
    model.dispose();
  });

  it("gives tfjs's gradients through a dense layer's fused matrix product", () => {
    const model = dense();
    const x = tf.randomNormal([5, 6], 0, 1, "float32", 6);
    const { stock, trimmed } = both(model, x);
    expect(trimmed.grads).toStrictEqual(stock.grads);
    tf.dispose([x]);
    model.dispose();
  });

  it("stays on when the other tape visitor, installed before it, is removed", () => {
    saveShapesOnly()();
    freeGradientsEarly()();
    const undoFree = freeGradientsEarly();
    const undo = saveShapesOnly();
    const model = globalCnn({ height: 8, width: 16, channels: 2, blocks: 1, filters: 4, seed: 2 });
    const x = tf.randomNormal([1, 8, 16, 2], 0, 1, "float32", 7);
    try {
      undoFree();
      const adds = step(model, x).nodes.filter((n) => n.kernelName === "Add");
      expect(adds.length).toBeGreaterThan(0);
      expect(adds.flatMap((n) => n.saved ?? [])).not.toContainEqual(expect.any(tf.Tensor));
    } finally {
      undo();
      freeGradientsEarly(); // as the package leaves it
      tf.dispose([x]);
      model.dispose();
    }
  });

  it("makes a gradient that reads a trimmed tensor's values fail, not compute garbage", () => {
    const stock = tf.getGradient("Sub") as tf.GradConfig;
    const undo = saveShapesOnly();
    try {
      tf.registerGradient({
        kernelName: "Sub",
        inputsToSave: ["a", "b"],
        gradFunc: (dy, saved) => ({
          a: () => tf.mul(dy as tf.Tensor, saved[0] as tf.Tensor),
          b: () => dy as tf.Tensor,
        }),
      });
      const x = tf.tensor1d([1, 2]);
      expect(() => tf.grad((a: tf.Tensor) => tf.sub(a, tf.scalar(1)))(x)).toThrow(/must be a Tensor/);
      x.dispose();
    } finally {
      tf.registerGradient(stock);
      undo();
    }
  });
});

describe("wasm Identity", () => {
  beforeAll(async () => {
    registerWasmTrainingKernels();
    await tf.setBackend("wasm");
  });
  afterAll(async () => {
    await tf.setBackend("cpu");
  });

  it("shares its input's memory and keeps it while either tensor lives", () => {
    const backend = tf.backend() as unknown as { getMemoryOffset(id: unknown): number };
    const x = tf.tensor1d([1, 2, 3, 4]);
    const y = tf.clone(x);
    expect(backend.getMemoryOffset(y.dataId)).toBe(backend.getMemoryOffset(x.dataId));
    x.dispose();
    expect(Array.from(y.dataSync())).toStrictEqual([1, 2, 3, 4]);
    const z = tf.add(y, 1); // a new allocation must not land on y's memory
    expect(Array.from(y.dataSync())).toStrictEqual([1, 2, 3, 4]);
    expect(Array.from(z.dataSync())).toStrictEqual([2, 3, 4, 5]);
    tf.dispose([y, z]);
  });
});
