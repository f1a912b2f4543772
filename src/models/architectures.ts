/**
 * The architectures by name, with their options validated, so pipeline files and the CLI can
 * say `model: {type: unet, depth: 3}`: `unet`, `convlstm` and `global-cnn`. `bands` is the
 * input band count of a tile; for `convlstm` the bands are `inputFrames` frames of equal
 * channel count, frame-major (all channels of frame 0 first).
 *
 * In a pipeline, `path: models/x` loads a trained model directory (see {@link loadModelDir})
 * and checks its card against the input; without it the model is built from the options with
 * freshly initialised (seeded) weights.
 *
 * @example
 * ```ts
 * import { buildArchitecture } from "tilecast";
 * const m = buildArchitecture("unet", { depth: 2, filters: 8 }, { bands: 4, height: 64, width: 64 });
 * console.log(m.countParams());
 * ```
 */
import type * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { TilecastError } from "../errors.js";
import { convLstmNowcaster } from "./convlstm.js";
import { globalCnn } from "./global-cnn.js";
import { unet } from "./unet.js";

/** The input a model is built for. */
export interface ArchitectureInput {
  bands: number;
  height?: number | null;
  width?: number | null;
}

const head = z.enum(["sigmoid", "softmax", "linear"]);
const common = { seed: z.number().int().optional() };

const schemas = {
  unet: z.strictObject({
    ...common,
    depth: z.number().int().optional(),
    filters: z.number().int().positive().optional(),
    classes: z.number().int().positive().optional(),
    batchNorm: z.boolean().optional(),
    dropout: z.number().optional(),
    upsampling: z.enum(["transpose", "bilinear"]).optional(),
    residual: z.boolean().optional(),
    head: head.optional(),
  }),
  convlstm: z.strictObject({
    ...common,
    inputFrames: z.number().int().positive(),
    outputFrames: z.number().int().positive().optional(),
    outputChannels: z.number().int().positive().optional(),
    filters: z.array(z.number().int().positive()).optional(),
    kernelSize: z.number().int().positive().optional(),
    head: head.optional(),
  }),
  "global-cnn": z.strictObject({
    ...common,
    blocks: z.number().int().positive().optional(),
    filters: z.number().int().positive().optional(),
    kernelSize: z.number().int().positive().optional(),
    residual: z.boolean().optional(),
    batchNorm: z.boolean().optional(),
    predictDelta: z.boolean().optional(),
    latitude: z.enum(["zero", "reflect"]).optional(),
  }),
};

/** Architecture names. */
export type ArchitectureName = keyof typeof schemas;

/** Names of the built-in architectures. */
export const architectureNames = Object.keys(schemas) as ArchitectureName[];

/** Validate options for an architecture; the error names the architecture and the key. */
export function parseArchitectureOptions<N extends ArchitectureName>(
  name: N,
  options: Record<string, unknown>,
): z.infer<(typeof schemas)[N]> {
  const r = schemas[name].safeParse(options);
  if (r.success) return r.data as z.infer<(typeof schemas)[N]>;
  const issue = r.error.issues[0];
  const key = issue?.path.join(".") || "options";
  const msg =
    issue?.code === "unrecognized_keys"
      ? `unknown key '${(issue.keys as string[]).join("', '")}'`
      : `${key}: ${issue?.message}`;
  throw new TilecastError("E_ARGUMENT", `model ${name}: ${msg}`);
}

/** Build an architecture by name for `input`. */
export function buildArchitecture(
  name: string,
  options: Record<string, unknown>,
  input: ArchitectureInput,
): tf.LayersModel {
  const h = input.height ?? null;
  const w = input.width ?? null;
  switch (name) {
    case "unet": {
      const o = parseArchitectureOptions("unet", options);
      return unet({ ...o, inputShape: [h, w, input.bands] });
    }
    case "convlstm": {
      const o = parseArchitectureOptions("convlstm", options);
      if (input.bands % o.inputFrames !== 0)
        throw new TilecastError(
          "E_ARGUMENT",
          `model convlstm: ${input.bands} bands do not split into ${o.inputFrames} frames`,
        );
      return convLstmNowcaster({
        ...o,
        outputFrames: o.outputFrames ?? 1,
        height: h,
        width: w,
        channels: input.bands / o.inputFrames,
      });
    }
    case "global-cnn":
      return globalCnn({
        ...parseArchitectureOptions("global-cnn", options),
        height: h,
        width: w,
        channels: input.bands,
      });
    default:
      throw new TilecastError("E_ARGUMENT", `unknown architecture '${name}' (known: ${architectureNames.join(", ")})`);
  }
}
