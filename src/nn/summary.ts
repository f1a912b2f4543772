/**
 * A model summary: each layer's type, output shape, parameter count and receptive field, and
 * the totals. The receptive field follows {@link receptiveField} layer by layer through the
 * graph (the widest path where branches merge): a convolution of kernel `F`, dilation `D`,
 * stride `S` adds `(D·(F − 1))·j` and multiplies the jump `j` by `S`; pooling likewise; a
 * ConvLSTM over `T` frames adds its kernel once per frame (input and recurrent convolutions);
 * upsampling by `s` divides the jump by `s` (bilinear interpolation adds one input step);
 * a transposed convolution of kernel `F`, stride `S` adds `(⌈F/S⌉ − 1)·j` and divides the
 * jump by `S`. Other layers keep it.
 *
 * @example
 * ```ts
 * import { modelSummary, unet } from "tilecast";
 * const s = modelSummary(unet({ inputShape: [64, 64, 3], depth: 2, filters: 8 }));
 * console.log(s.totalParams, s.receptiveField.size);
 * ```
 */
import type * as tf from "@tensorflow/tfjs";

/** One row of the summary. */
export interface LayerSummary {
  name: string;
  type: string;
  outputShape: (number | null)[];
  params: number;
  receptiveField: { size: number; jump: number };
}

/** The whole summary. */
export interface ModelSummary {
  name: string;
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  receptiveField: { size: number; jump: number };
}

type Rf = { size: number; jump: number };
type Config = Record<string, unknown>;

const pair = (v: unknown, fallback = 1): number =>
  Array.isArray(v) ? Math.max(...(v as number[])) : typeof v === "number" ? v : fallback;

function grow(rf: Rf, type: string, c: Config, inputShape: (number | null)[] | undefined): Rf {
  const k = pair(c.kernelSize ?? c.poolSize, 1);
  const s = pair(c.strides ?? (type.includes("Pooling") ? c.poolSize : 1), 1);
  const d = pair(c.dilationRate, 1);
  switch (type) {
    case "Conv2D":
    case "DepthwiseConv2D":
    case "SeparableConv2D":
    case "MaxPooling2D":
    case "AveragePooling2D":
      return { size: rf.size + d * (k - 1) * rf.jump, jump: rf.jump * s };
    case "ConvLSTM2D": {
      const frames = (inputShape?.[1] as number | null) ?? 1;
      return { size: rf.size + frames * d * (k - 1) * rf.jump, jump: rf.jump * s };
    }
    case "Conv2DTranspose":
      return { size: rf.size + (Math.ceil(k / s) - 1) * rf.jump, jump: rf.jump / s };
    case "UpSampling2D": {
      const f = pair(c.size, 2);
      return { size: rf.size + (c.interpolation === "bilinear" ? rf.jump : 0), jump: rf.jump / f };
    }
    case "TimeDistributed": {
      const inner = (c.layer as { className?: string; config?: Config } | undefined) ?? {};
      return grow(rf, inner.className ?? "", inner.config ?? {}, inputShape);
    }
    default:
      return rf;
  }
}

/** Summarise a layers model; see the module documentation. */
export function modelSummary(model: tf.LayersModel): ModelSummary {
  const rfOf = new Map<string, Rf>();
  const layers: LayerSummary[] = [];
  for (const layer of model.layers) {
    const inbound = layer.inboundNodes[0]?.inboundLayers ?? [];
    const ins = inbound.map((l) => rfOf.get(l.name)).filter((r): r is Rf => r !== undefined);
    const start = ins.length ? ins.reduce((a, b) => (b.size > a.size ? b : a)) : { size: 1, jump: 1 };
    const inShape = layer.inboundNodes[0]?.inputShapes;
    const firstIn = (Array.isArray(inShape?.[0]) ? inShape?.[0] : inShape) as (number | null)[] | undefined;
    const rf = grow(start, layer.getClassName(), layer.getConfig() as Config, firstIn);
    rfOf.set(layer.name, rf);
    const out = layer.outputShape;
    layers.push({
      name: layer.name,
      type: layer.getClassName(),
      outputShape: (Array.isArray(out[0]) ? out[0] : out) as (number | null)[],
      params: layer.countParams(),
      receptiveField: rf,
    });
  }
  const outputs = model.outputs.map((o) => rfOf.get(o.sourceLayer.name) ?? { size: 1, jump: 1 });
  const trainableParams = model.trainableWeights.reduce(
    (n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1),
    0,
  );
  return {
    name: model.name,
    layers,
    totalParams: model.countParams(),
    trainableParams,
    receptiveField: outputs.reduce((a, b) => (b.size > a.size ? b : a), { size: 1, jump: 1 }),
  };
}

/** The summary as an aligned text table. */
export function formatModelSummary(s: ModelSummary): string {
  const rows = s.layers.map((l) => [
    `${l.name} (${l.type})`,
    `[${l.outputShape.map((v) => (v === null ? "?" : v)).join(", ")}]`,
    String(l.params),
    String(l.receptiveField.size),
  ]);
  const head = ["Layer (type)", "Output shape", "Params", "RF"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i >= 2 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join("  ");
  return [
    `Model: ${s.name}`,
    line(head),
    ...rows.map(line),
    `Total params: ${s.totalParams}  (trainable ${s.trainableParams}, non-trainable ${s.totalParams - s.trainableParams})`,
    `Receptive field: ${s.receptiveField.size} px (output stride ${s.receptiveField.jump})`,
  ].join("\n");
}
