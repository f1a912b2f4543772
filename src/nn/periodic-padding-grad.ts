/**
 * The gradient of periodic padding ({@link periodicPad}), from shapes alone. Padding copies
 * cells, so its gradient folds each padded strip back onto the cells it copied: the columns
 * wrapped around longitude add into the opposite edge, and reflected latitude rows add into the
 * rows they mirror.
 *
 * Written out, the gradient keeps nothing of the forward pass alive. Left to autodiff, the
 * slices, concatenation and pad that build the padded tensor each kept their whole input until
 * the step ended, only for its shape: up to two extra activations per periodic convolution (the
 * global CNN's backward pass started with 37.8 activations' worth of kept tensors, 25.5 with
 * this gradient). The fold also reads the gradient about twice, where autodiff's path padded
 * each slice's gradient back to full size and summed them.
 *
 * Internal (used by `periodicPad`).
 */
import { tf } from "../tfjs.js";
import type { LatitudePadding } from "./periodic-padding.js";

/**
 * The gradient with respect to the input of `periodicPad(x, [py, px], latitude)`, given the
 * gradient `dy` of its output and the shape of `x`.
 */
export function periodicPadGrad(
  dy: tf.Tensor4D,
  shape: readonly number[],
  [py, px]: [number, number],
  latitude: LatitudePadding,
): tf.Tensor4D {
  const [, h, w] = shape as [number, number, number, number];
  const reflect = latitude === "reflect" && py > 0;
  return tf.tidy(() => {
    // Strips that would fold onto each other (a grid under twice its padding) are padded back to
    // full size and summed instead.
    if (2 * px > w || (reflect && 2 * py + 2 > h)) return foldByPadding(dy, h, w, [py, px], reflect);
    const rows = reflect ? foldRows(dy, py, h) : dy;
    return foldColumns(rows, px, w, reflect ? 0 : py, h);
  });
}

/** The same gradient for any padding, each strip zero-padded to the grid's size and added. */
function foldByPadding(g: tf.Tensor4D, h: number, w: number, [py, px]: [number, number], reflect: boolean) {
  let rows = part(g, 1, py, h);
  if (reflect) {
    const top = part(g, 1, 0, py)
      .reverse(1)
      .pad([
        [0, 0],
        [1, h - 1 - py],
        [0, 0],
        [0, 0],
      ]);
    const bottom = part(g, 1, py + h, py)
      .reverse(1)
      .pad([
        [0, 0],
        [h - 1 - py, 1],
        [0, 0],
        [0, 0],
      ]);
    rows = rows.add(top).add(bottom);
  }
  if (px === 0) return rows;
  const west = part(rows, 2, 0, px, 0, h).pad([
    [0, 0],
    [0, 0],
    [w - px, 0],
    [0, 0],
  ]);
  const east = part(rows, 2, w + px, px, 0, h).pad([
    [0, 0],
    [0, 0],
    [0, w - px],
    [0, 0],
  ]);
  return part(rows, 2, px, w, 0, h).add(west).add(east) as tf.Tensor4D;
}

/** Rows `from`..`from + n` of `t` along `axis` (1: rows, 2: columns). */
function part(t: tf.Tensor4D, axis: 1 | 2, from: number, n: number, row0 = 0, h = -1): tf.Tensor4D {
  const begin = axis === 1 ? [0, from, 0, 0] : [0, row0, from, 0];
  const size = axis === 1 ? [-1, n, -1, -1] : [-1, h, n, -1];
  return t.slice(begin, size);
}

/**
 * Undo reflect padding by `py` rows: the padded row `i` above the grid copied row `py - i`, the
 * one `j` rows below it row `h - 2 - j`. Needs `h >= 2 py + 2`, so the two folds never meet.
 */
function foldRows(g: tf.Tensor4D, py: number, h: number): tf.Tensor4D {
  const top = part(g, 1, 0, py).reverse(1);
  const bottom = part(g, 1, py + h, py).reverse(1);
  const pieces = [
    part(g, 1, py, 1),
    part(g, 1, py + 1, py).add(top),
    part(g, 1, 2 * py + 1, h - 2 - 2 * py),
    part(g, 1, h - 1, py).add(bottom),
    part(g, 1, h - 1 + py, 1),
  ];
  return tf.concat(
    pieces.filter((p) => (p.shape[1] ?? 0) > 0),
    1,
  ) as tf.Tensor4D;
}

/**
 * Undo circular padding by `px` columns of rows `row0`..`row0 + h`: the `px` columns west of the
 * grid copied its last `px`, the ones east of it its first. Needs `w >= 2 px`.
 */
function foldColumns(g: tf.Tensor4D, px: number, w: number, row0: number, h: number): tf.Tensor4D {
  if (px === 0) return row0 === 0 && g.shape[1] === h ? g : part(g, 1, row0, h);
  const cols = (from: number, n: number) => part(g, 2, from, n, row0, h);
  const pieces = [cols(px, px).add(cols(w + px, px)), cols(2 * px, w - 2 * px), cols(w, px).add(cols(0, px))];
  return tf.concat(
    pieces.filter((p) => (p.shape[2] ?? 0) > 0),
    2,
  ) as tf.Tensor4D;
}
