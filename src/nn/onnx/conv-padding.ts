/**
 * The padding attributes of the ONNX convolutions tilecast writes, so that ONNX Runtime computes
 * tfjs's output (its length and which positions are padded): `same` convolutions, dilated ones
 * included, and transposed convolutions of every kernel and stride.
 *
 * Internal (used by `layers.ts` and, through it, the ConvLSTM's convolutions).
 */

/**
 * `same` padding of a convolution: ONNX's SAME_UPPER (more at the end, as TensorFlow pads) where
 * undilated; with a dilation, the same pads written out, since ONNX Runtime's Conv refuses SAME
 * with dilations. tfjs dilates only with stride 1, so the pads are the dilated kernel's reach
 * less one, whatever the input's size.
 */
export function samePadding(kernel: [number, number], dilations: [number, number]): Record<string, unknown> {
  if (dilations[0] === 1 && dilations[1] === 1) return { auto_pad: "SAME_UPPER" };
  const total = kernel.map((k, i) => (k - 1) * (dilations[i] as number));
  const [th, tw] = total as [number, number];
  return { pads: [Math.floor(th / 2), Math.floor(tw / 2), Math.ceil(th / 2), Math.ceil(tw / 2)] };
}

/**
 * A transposed convolution's pads and output padding, so that ONNX's output length,
 * `(in - 1) * stride + kernel - pads + output_padding`, is tfjs's, `in * stride` plus
 * `kernel - stride` where that is positive and the padding is `valid`. Where the kernel is shorter
 * than the stride, either padding gives `in * stride`: no pads, and `stride - kernel` more
 * positions at the end, which no input reaches (bias only), as tfjs has them.
 */
export function transposePadding(
  kernel: [number, number],
  strides: [number, number],
  c: { padding?: unknown },
): Record<string, number[]> {
  const extra = kernel.map((k, i) => k - (strides[i] as number));
  const cut = extra.map((e) => (c.padding === "same" && e > 0 ? e : 0));
  const [ch, cw] = cut as [number, number];
  const pads = [Math.floor(ch / 2), Math.floor(cw / 2), Math.ceil(ch / 2), Math.ceil(cw / 2)];
  const more = extra.map((e) => Math.max(-e, 0));
  // Without output padding the attribute is left out, as ONNX's default (0) and earlier exports have it.
  return more.some((m) => m > 0) ? { pads, output_padding: more } : { pads };
}
