/**
 * The gradient of periodic padding, written out from shapes: equal to the adjoint built cell by
 * cell from where each padded cell was copied from, for zero and reflected latitude, folds that
 * meet (grids narrower than twice the padding) included; and nothing of the forward pass kept on
 * the tape (on the cpu backend).
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type LatitudePadding, periodicPad } from "../../src/nn/periodic-padding.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** The input cell a padded cell copies, or null for a zero of the latitude padding. */
function source(i: number, j: number, h: number, w: number, [py, px]: number[], lat: LatitudePadding) {
  let r = i - (py as number);
  if (r < 0 || r >= h) {
    if (lat === "zero") return null;
    r = r < 0 ? -r : 2 * (h - 1) - r;
  }
  return [r, (((j - (px as number)) % w) + w) % w] as const;
}

/** d(sum(r * pad(x)))/dx cell by cell: each padded cell's weight added to the cell it copies. */
function adjoint(r: Float32Array, shape: number[], pad: [number, number], lat: LatitudePadding): Float32Array {
  const [n, h, w, c] = shape as [number, number, number, number];
  const [ph, pw] = [h + 2 * pad[0], w + 2 * pad[1]];
  const g = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ph; i++)
      for (let j = 0; j < pw; j++) {
        const s = source(i, j, h, w, pad, lat);
        if (!s) continue;
        for (let k = 0; k < c; k++)
          g[((b * h + s[0]) * w + s[1]) * c + k] += r[((b * ph + i) * pw + j) * c + k] as number;
      }
  return g;
}

const cases: [string, [number, number, number, number], [number, number], LatitudePadding][] = [
  ["3 x 3 kernels, zero latitude", [2, 5, 7, 3], [1, 1], "zero"],
  ["3 x 3 kernels, reflected latitude", [1, 5, 7, 2], [1, 1], "reflect"],
  ["wider padding, folds that just touch", [1, 6, 6, 2], [2, 3], "reflect"],
  ["longitude only", [1, 4, 5, 1], [0, 2], "zero"],
  ["latitude only, reflected", [1, 6, 3, 1], [2, 0], "reflect"],
  ["wrapped columns that overlap (width < 2 px)", [1, 3, 4, 2], [1, 3], "zero"],
  ["reflected rows that overlap (height < 2 py + 2)", [1, 5, 6, 1], [2, 1], "reflect"],
];

describe("periodic padding's gradient", () => {
  for (const [name, shape, pad, lat] of cases)
    it(`is the padding's adjoint: ${name}`, () => {
      const x = tf.randomNormal(shape, 0, 1, "float32", 1) as tf.Tensor4D;
      const y = periodicPad(x, pad, lat);
      const r = tf.randomNormal(y.shape, 0, 1, "float32", 2);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(periodicPad(t as tf.Tensor4D, pad, lat), r)))(x);
      expect(g.shape).toStrictEqual(shape);
      const want = adjoint(r.dataSync() as Float32Array, shape, pad, lat);
      const got = g.dataSync();
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i] as number, 5);
      tf.dispose([x, y, r, g]);
    });

  it("keeps nothing of the forward pass on the tape", () => {
    const x = tf.randomNormal([1, 6, 8, 2], 0, 1, "float32", 3) as tf.Tensor4D;
    let kernels: string[] = [];
    let saved = -1;
    // An identity whose gradient reads the tape once the forward pass is over.
    const probe = tf.customGrad((t) => ({
      value: tf.clone(t as tf.Tensor),
      gradFunc: (dy) => {
        const tape = (
          tf.engine() as unknown as { state: { activeTape: { kernelName: string; saved?: tf.Tensor[] }[] } }
        ).state.activeTape;
        kernels = tape.map((n) => n.kernelName);
        // Only the sum keeps a tensor (its input, for its shape).
        saved = tape.filter((n) => n.kernelName !== "Sum").reduce((s, n) => s + (n.saved?.length ?? 0), 0);
        return dy as tf.Tensor;
      },
    }));
    const g = tf.grad((t: tf.Tensor) => tf.sum(probe(periodicPad(t as tf.Tensor4D, [1, 1], "reflect"))))(x);
    for (const k of ["Slice", "Concat", "PadV2", "MirrorPad"]) expect(kernels).not.toContain(k);
    expect(saved).toBe(0);
    tf.dispose([x, g]);
  });
});
