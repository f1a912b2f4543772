import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { convOutputSize, convParams, receptiveField, samePadding } from "../../src/nn/conv-arithmetic.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("convolution arithmetic, lecture examples", () => {
  it("output size (W - F + 2P)/S + 1", () => {
    // cs231n: 7x7 input, 3x3 filter: stride 1 -> 5x5, stride 2 -> 3x3
    expect(convOutputSize(7, 3)).toBe(5);
    expect(convOutputSize(7, 3, { stride: 2 })).toBe(3);
    // F = 3 => zero pad with 1 keeps the size; F = 5, P = 2 likewise
    expect(convOutputSize(32, 3, { padding: 1 })).toBe(32);
    expect(convOutputSize(32, 5, { padding: 2 })).toBe(32);
    // AlexNet's first layer: 227, F = 11, S = 4, P = 0 -> 55
    expect(convOutputSize(227, 11, { stride: 4 })).toBe(55);
    // 2x2 pooling with stride 2: 224 -> 112
    expect(convOutputSize(224, 2, { stride: 2 })).toBe(112);
    // dilation 2 turns a 3-tap kernel into 5 taps
    expect(convOutputSize(10, 3, { dilation: 2 })).toBe(6);
    expect(convOutputSize(7, 3, { stride: 2, padding: "same" })).toBe(4);
    expect(() => convOutputSize(2, 5)).toThrow(/does not fit/);
  });

  it("parameters (F*F*Cin + 1)*Cout", () => {
    expect(convParams(5, 3, 6)).toBe(456);
    expect(convParams(11, 3, 96)).toBe(34944);
    expect(convParams(3, 64, 128)).toBe(73856);
    expect(convParams(3, 64, 128, false)).toBe(73728);
  });

  it("receptive field grows through convolutions and pooling", () => {
    expect(receptiveField([{ kernel: 3 }, { kernel: 3 }])).toStrictEqual({ size: 5, jump: 1 });
    expect(receptiveField([{ kernel: 3 }, { kernel: 3 }, { kernel: 3 }])).toStrictEqual({ size: 7, jump: 1 });
    expect(receptiveField([{ kernel: 2, stride: 2 }, { kernel: 3 }])).toStrictEqual({ size: 6, jump: 2 });
    expect(receptiveField([{ kernel: 3, dilation: 2 }])).toStrictEqual({ size: 5, jump: 1 });
  });

  it("same padding splits like TensorFlow (extra pixel after)", () => {
    expect(samePadding(7, 3, 1)).toStrictEqual([1, 1]);
    expect(samePadding(8, 3, 2)).toStrictEqual([0, 1]);
    expect(samePadding(7, 4, 1)).toStrictEqual([1, 2]);
  });
});

describe("convolution arithmetic, properties", () => {
  it("convOutputSize equals tf.conv2d's output size", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<"valid" | "same">("valid", "same"),
        (w, k, s, padding) => {
          const x = tf.zeros([1, w, w, 1]) as tf.Tensor4D;
          const y = tf.conv2d(x, tf.ones([k, k, 1, 1]) as tf.Tensor4D, s, padding);
          const got = y.shape[1];
          tf.dispose([x, y]);
          expect(convOutputSize(w, k, { stride: s, padding })).toBe(got);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("receptiveField equals the input interval that output 0 depends on", () => {
    const layer = fc.record({ kernel: fc.integer({ min: 1, max: 5 }), stride: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(fc.array(layer, { minLength: 1, maxLength: 6 }), (layers) => {
        // walk back from output index 0: [lo, hi] in layer coordinates
        let lo = 0;
        let hi = 0;
        for (const l of [...layers].reverse()) {
          lo = lo * l.stride;
          hi = hi * l.stride + l.kernel - 1;
        }
        const jump = layers.reduce((j, l) => j * l.stride, 1);
        expect(receptiveField(layers)).toStrictEqual({ size: hi - lo + 1, jump });
      }),
    );
  });
});
