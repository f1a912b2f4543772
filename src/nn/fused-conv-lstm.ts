/**
 * A faster ConvLSTM time step on the native `tensorflow` backend. tfjs-layers' `ConvLSTM2DCell`
 * splits its kernel, recurrent kernel and bias into the four gates on every step, then runs eight
 * convolutions (one per gate on the input and on the hidden state), four bias additions and four
 * more additions, and its gradient runs them all backwards. The cell's weights already hold the
 * four gates side by side along the output channels, so one convolution of the input with the
 * whole kernel (bias fused) and one of the hidden state with the whole recurrent kernel give all
 * four gates' sums at once; a split hands them to the gates. Same weights, same layer class and
 * files, same values up to float rounding (gradients within 1e-6 relative here).
 *
 * Forward and backward over the benchmark nowcaster (8 sequences of 4 -> 6 frames at 64², by
 * hand): 1160 -> 914 ms on tfjs-node; its training, alternating runs with and without: 6.58 and
 * 7.01 -> 7.87 and 8.18 sequences/s. On wasm the same step was slower (6.6 -> 8.2 s: its
 * convolutions gain nothing from more output channels, and the channel split and its gradient
 * cost extra), so other backends keep tfjs-layers' step.
 *
 * {@link fuseConvLstmCells} routes `ConvLSTM2DCell.call` through it on the `tensorflow` backend
 * where the cell is channels last without dropout (tilecast's nowcaster is); any other call runs
 * tfjs-layers' own code. {@link registerNativeKernels} installs it.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { fuseConvLstmCells } from "./fused-conv-lstm.js";
 * fuseConvLstmCells(); // idempotent
 * ```
 */
import { tf } from "../tfjs.js";

/** The fields of tfjs-layers' `ConvLSTM2DCell` its step reads. */
interface Cell {
  kernel: { read(): tf.Tensor };
  recurrentKernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  useBias: boolean;
  padding: "valid" | "same";
  strides: number | [number, number];
  dilationRate: number | [number, number];
  dataFormat: string;
  dropout: number;
  recurrentDropout: number;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  recurrentActivation: { apply(x: tf.Tensor): tf.Tensor };
}

type Call = (this: Cell, inputs: tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor[];

/** One step: `[h, h, c]` from `[x, h_prev, c_prev]`, as tfjs-layers returns it. */
function step(cell: Cell, [x, hPrev, cPrev]: tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => {
    const z = tf.add(
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: cell.kernel.read() as tf.Tensor4D,
        strides: cell.strides,
        pad: cell.padding ?? "valid",
        dataFormat: "NHWC",
        dilations: cell.dilationRate,
        bias: cell.useBias && cell.bias ? cell.bias.read() : undefined,
      }),
      tf.conv2d(hPrev as tf.Tensor4D, cell.recurrentKernel.read() as tf.Tensor4D, 1, "same", "NHWC"),
    );
    const [zi, zf, zc, zo] = tf.split(z, 4, 3) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const i = cell.recurrentActivation.apply(zi);
    const f = cell.recurrentActivation.apply(zf);
    const c = tf.add(tf.mul(f, cPrev as tf.Tensor), tf.mul(i, cell.activation.apply(zc)));
    const h = tf.mul(cell.recurrentActivation.apply(zo), cell.activation.apply(c));
    return [h, h, c];
  });
}

/** Does this call take the fused step (tensorflow, channels last, no dropout, the three tensors)? */
function fusable(cell: Cell, inputs: tf.Tensor[]): boolean {
  return (
    tf.getBackend() === "tensorflow" &&
    Array.isArray(inputs) &&
    inputs.length === 3 &&
    cell.dataFormat !== "channelsFirst" &&
    !(cell.dropout > 0 && cell.dropout < 1) &&
    !(cell.recurrentDropout > 0 && cell.recurrentDropout < 1)
  );
}

let installed = false;

/** Route ConvLSTM2DCell steps through the fused step above (once). */
export function fuseConvLstmCells(): void {
  if (installed) return;
  installed = true;
  const proto = Object.getPrototypeOf(tf.layers.convLstm2dCell({ filters: 1, kernelSize: 1 })) as { call: Call };
  const stock = proto.call;
  proto.call = function (this: Cell, inputs, kwargs) {
    return fusable(this, inputs) ? step(this, inputs) : stock.call(this, inputs, kwargs);
  };
}
