/**
 * Large convolutions in bands of output rows. TensorFlow's CPU build runs an NHWC convolution
 * through oneDNN's im2col + GEMM implementation, whose scratch buffer holds every output pixel's
 * receptive field: `outHeight x outWidth x kh x kw x inChannels` floats per image. Past about
 * 1 GB (a 3 x 3 convolution of 32 channels on a 670 x 1340 grid) oneDNN silently falls back to
 * its reference implementation, a scalar loop: one 721 x 1440 x 32 convolution of the global CNN
 * takes minutes instead of a second. Below that, the large buffer is still slow (it leaves the
 * caches): 600 x 1200 x 32 took 0.91 s whole and 0.50 s in 16 bands here.
 *
 * So on the native CPU backend, a convolution whose buffer would pass 8 x {@link BAND_BYTES}
 * (256 MiB) per image runs as convolutions of row bands of at most {@link BAND_BYTES} each, each
 * over the input rows its outputs see (the input padded once), and the bands are concatenated.
 * Gradients go the same way: the filter gradient sums the bands' gradients, and the input
 * gradient (stride 1) is the convolution of the padded output gradient with the flipped filter,
 * in bands. Values are those of one convolution up to float rounding. Smaller convolutions are
 * left alone: batches of them go to oneDNN's direct kernels, which banding slows (8 x 160² x 64:
 * 57 ms whole, 90 ms in bands, one run each). NHWC only; anything else (NCHW, a per-pixel PReLU,
 * a strided input gradient) goes to the backend's own kernel.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { bandConvolutions } from "./banded-conv.js";
 * bandConvolutions("tensorflow"); // after the backend's kernels are registered
 * ```
 */
import { tf } from "../tfjs.js";

/** The default im2col budget of one band, per image: 32 MiB (see the module documentation). */
export const BAND_BYTES = 32 << 20;

type Args = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };
type Kernel = (args: Args) => tf.TensorInfo | tf.TensorInfo[];
type Shape4 = [number, number, number, number];
/** What banding needs of a convolution's geometry. */
type Geometry = Pick<
  tf.backend_util.Conv2DInfo,
  | "dataFormat"
  | "inWidth"
  | "inChannels"
  | "outHeight"
  | "outWidth"
  | "filterHeight"
  | "filterWidth"
  | "strideHeight"
  | "strideWidth"
  | "effectiveFilterHeight"
  | "effectiveFilterWidth"
  | "padInfo"
>;

/**
 * A kernel's output as a tensor. The engine counts no reference for it, so only fresh outputs are
 * wrapped: a wrapped input would be freed with its wrapper (inputs arrive as tensors already).
 */
const tensor = (info: tf.TensorInfo): tf.Tensor => tf.engine().makeTensorFromTensorInfo(info);

/** Bytes of im2col buffer per band, and per image past which a convolution is banded. */
type Budget = { band: number; over: number };

/** Output rows per band for `info`, or 0 where it runs whole (or NCHW, which is not handled). */
function bandRows(info: Geometry, budget: Budget): number {
  if (info.dataFormat !== "channelsLast") return 0;
  const perRow = info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * 4;
  if (perRow * info.outHeight <= budget.over) return 0;
  const rows = Math.max(1, Math.floor(budget.band / perRow));
  return rows >= info.outHeight ? 0 : rows;
}

/** `x` padded as the convolution `info` pads it (zeros), so each band is a "valid" convolution. */
function padded(x: tf.Tensor, info: Geometry): tf.Tensor {
  const p = info.padInfo;
  if (p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0) return x;
  return tf.pad(x, [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ]);
}

/**
 * The rows `[a, b)` of `f`'s output computed as "valid" convolutions of the padded input's rows
 * that they see, concatenated (or summed with `sum`, for a filter gradient).
 */
function inBands(
  info: Geometry,
  rows: number,
  xp: tf.Tensor,
  f: (band: tf.Tensor, a: number, b: number) => tf.Tensor,
  sum = false,
): tf.Tensor {
  const s = info.strideHeight;
  const parts: tf.Tensor[] = [];
  for (let a = 0; a < info.outHeight; a += rows) {
    const b = Math.min(info.outHeight, a + rows);
    const top = a * s;
    const height = (b - 1) * s + info.effectiveFilterHeight - top;
    parts.push(f(tf.slice(xp, [0, top, 0, 0], [-1, height, -1, -1]), a, b));
  }
  return sum ? tf.addN(parts) : tf.concat(parts, 1);
}

/** Whether "valid" convolutions of the padded input give `info`'s output width (explicit pads may not). */
function validWidth(info: Geometry): boolean {
  const p = info.padInfo;
  const width = info.inWidth + p.left + p.right;
  return Math.floor((width - info.effectiveFilterWidth) / info.strideWidth) + 1 === info.outWidth;
}

const geometry = (xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap, dilations: unknown = 1) =>
  tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides as number | [number, number],
    dilations as number | [number, number],
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    tf.backend_util.convertConv2DDataFormat((attrs.dataFormat as "NHWC" | "NCHW" | undefined) ?? "NHWC"),
  );

/** `Conv2D` and `FusedConv2D`: the forward convolution in bands. */
function forward(stock: Kernel, budget: Budget): Kernel {
  return (args) => {
    const { x, filter, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs ?? {};
    if (!x || !filter || (preluActivationWeights && preluActivationWeights.shape.length > 1)) return stock(args);
    const info = geometry(x.shape, filter.shape, attrs, attrs.dilations);
    const rows = bandRows(info, budget);
    if (rows === 0 || !validWidth(info)) return stock(args);
    return tf.tidy(() =>
      inBands(info, rows, padded(x as tf.Tensor, info), (band) =>
        tensor(
          stock({ ...args, inputs: { ...args.inputs, x: band }, attrs: { ...attrs, pad: "valid" } }) as tf.TensorInfo,
        ),
      ),
    );
  };
}

/** `Conv2DBackpropFilter`: the sum of the bands' filter gradients. */
function filterGradient(stock: Kernel, budget: Budget): Kernel {
  return (args) => {
    const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs ?? {};
    const info = geometry(x.shape, attrs.filterShape as number[], attrs);
    const rows = bandRows(info, budget);
    if (rows === 0 || !validWidth(info)) return stock(args);
    return tf.tidy(() => {
      const g = dy as tf.Tensor;
      return inBands(
        info,
        rows,
        padded(x as tf.Tensor, info),
        (band, a, b) =>
          tensor(
            stock({
              ...args,
              inputs: { x: band, dy: tf.slice(g, [0, a, 0, 0], [-1, b - a, -1, -1]) },
              attrs: { ...attrs, pad: "valid" },
            }) as tf.TensorInfo,
          ),
        true,
      );
    });
  };
}

/**
 * `Conv2DBackpropInput` at stride 1: the "valid" convolution of the output gradient, padded by
 * the filter size less the forward padding, with the filter flipped and its channels swapped,
 * in bands of the forward kernel.
 */
function inputGradient(stock: Kernel, conv: Kernel, budget: Budget): Kernel {
  return (args) => {
    const { dy, filter } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs ?? {};
    const info = geometry(attrs.inputShape as number[], filter.shape, attrs);
    const [kh, kw] = [info.filterHeight, info.filterWidth];
    const p = info.padInfo;
    const pads = [kh - 1 - p.top, kh - 1 - p.bottom, kw - 1 - p.left, kw - 1 - p.right];
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || pads.some((v) => v < 0)) return stock(args);
    // The flipped problem: the output gradient, padded, in; the input gradient out.
    const [top, bottom, left, right] = pads as [number, number, number, number];
    const t: Geometry = {
      dataFormat: "channelsLast",
      inWidth: info.outWidth,
      inChannels: info.outChannels,
      outHeight: info.inHeight,
      outWidth: info.inWidth,
      filterHeight: kh,
      filterWidth: kw,
      strideHeight: 1,
      strideWidth: 1,
      effectiveFilterHeight: kh,
      effectiveFilterWidth: kw,
      padInfo: { top, bottom, left, right, type: "EXPLICIT" as never },
    };
    const rows = bandRows(t, budget);
    if (rows === 0) return stock(args);
    return tf.tidy(() => {
      const w = tf.transpose(tf.reverse(filter as tf.Tensor, [0, 1]), [0, 1, 3, 2]);
      return inBands(t, rows, padded(dy as tf.Tensor, t), (band) =>
        tensor(
          conv({
            inputs: { x: band, filter: w },
            attrs: { strides: 1, pad: "valid", dataFormat: "NHWC", dilations: 1 },
            backend: args.backend,
          }) as tf.TensorInfo,
        ),
      );
    });
  };
}

const installed = new Map<string, () => void>();

/**
 * Run `backendName`'s convolutions whose im2col buffer would pass `over` bytes per image, and
 * their gradients, in bands of at most `band` bytes (once per backend). Returns a function that
 * puts the backend's own kernels back.
 */
export function bandConvolutions(
  backendName: string,
  band = Number(process.env.TILECAST_CONV_BAND_BYTES) || BAND_BYTES,
  over = 8 * band,
): () => void {
  const budget = { band, over };
  const done = installed.get(backendName);
  if (done) return done;
  const stock = new Map<string, tf.KernelConfig>();
  for (const name of ["Conv2D", "FusedConv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput"]) {
    const k = tf.getKernel(name, backendName);
    if (k) stock.set(name, k);
  }
  const conv = stock.get("Conv2D")?.kernelFunc as Kernel | undefined;
  const replace = (name: string, make: (k: Kernel) => Kernel) => {
    const k = stock.get(name);
    if (!k) return;
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...k, kernelFunc: make(k.kernelFunc as Kernel) as unknown as tf.KernelFunc });
  };
  replace("Conv2D", (k) => forward(k, budget));
  replace("FusedConv2D", (k) => forward(k, budget));
  replace("Conv2DBackpropFilter", (k) => filterGradient(k, budget));
  if (conv) replace("Conv2DBackpropInput", (k) => inputGradient(k, conv, budget));
  const undo = () => {
    for (const [name, k] of stock) {
      tf.unregisterKernel(name, backendName);
      tf.registerKernel(k);
    }
    installed.delete(backendName);
  };
  installed.set(backendName, undo);
  return undo;
}
