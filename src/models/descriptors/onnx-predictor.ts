/**
 * An architecture's tile predictor on ONNX Runtime: batches awaited off the main thread, in a
 * pool of sessions (`OnnxSessionPool`). Given the normalization a pipeline would apply first
 * (`scaling`), an image model takes it into its graph and reads raw, bands-first batches
 * (`LoadedModel.planar`): the main thread then copies tiles instead of normalizing and
 * interleaving them, and the graph has no input transpose.
 *
 * Internal (used by `architecture.ts`).
 */
import { TilecastError } from "../../errors.js";
import type { ModelCard } from "../../nn/model-card.js";
import type { InputScaling } from "../../nn/onnx/export.js";
import { takeSource, tensorFromArray, transferableSource } from "../../nn/tensor-array.js";
import { tf } from "../../tfjs.js";
import { batchBuffers } from "../../util/batch-buffers.js";
import type { LoadedModel } from "../registry.js";
import { tileAdapter } from "./tile-adapter.js";

/** Where the network came from and what it is told about its input. */
export interface OnnxPredictorOptions {
  frames: number;
  sequence: boolean;
  dir?: string | undefined;
  card?: ModelCard | undefined;
  scaling?: InputScaling | undefined;
  /** Tiles a batch holds (default 1). */
  batch?: number | undefined;
}

/** The predictor on ONNX Runtime; see the module documentation. */
export async function onnxPredictorOf(
  name: string,
  model: tf.LayersModel,
  o: OnnxPredictorOptions,
): Promise<LoadedModel> {
  const onnx = await import("../../nn/onnx/index.js");
  const scaling = o.sequence ? undefined : o.scaling;
  const { bytes, source } = scaling
    ? { bytes: onnx.exportOnnx(model, { scaling }), source: "export" as const }
    : await onnx.onnxBytesFor(model, o.dir, o.card);
  // A tile model runs beside a data path: its idle threads sleep, leaving it the cores.
  const pool = await onnx.OnnxSessionPool.create(bytes, onnx.pipelineSessions(o.batch ?? 1));
  const a = tileAdapter(name, model, o.frames, o.sequence);
  // The stitcher reads an output's array: it stays on the host, uncopied, and once stitched its
  // buffer is kept for a later batch (util/batch-buffers.ts; not a sequence model's, transposed).
  const outputs = { host: true, ...(o.sequence ? {} : { spares: batchBuffers }) };
  return {
    bands: a.outBands,
    runtime: {
      runtime: "onnx",
      provider: pool.provider,
      source,
      sessions: pool.size,
      ...(scaling ? { normalizes: true } : {}),
    },
    host: true,
    ...(scaling ? { planar: scaling } : {}),
    // A pipeline's batch of `o.batch` tiles becomes one batch a session, each of its share.
    ...(pool.size > 1 ? { batchSize: Math.ceil((o.batch ?? 1) / pool.size) } : {}),
    predictor: {
      // Each session one batch running and one queued: none waits for the data path or for
      // another session.
      inFlight: 2 * pool.size,
      async predictAsync(x, layout = "nhwc") {
        if ((layout === "nchw") !== (scaling !== undefined))
          throw new TilecastError(
            "E_ARGUMENT",
            `${name} on ONNX Runtime takes ${scaling ? "raw bands-first" : "NHWC"} batches, not ${layout.toUpperCase()}`,
            { stage: "predict" },
          );
        if (scaling) a.checkWindow(x.shape[2], x.shape[3]);
        const input = scaling ? x : tf.tidy(() => a.toInput(x));
        const shape = input.shape;
        // Stacked tiles go to the worker as they are (their array is handed over, not copied):
        // a pipeline's batch is taken whole (and disposed), else the array the backend copied.
        const own = takeSource(input) ?? transferableSource(input);
        const data = own ?? ((await input.data()) as Float32Array);
        if (input !== x) input.dispose();
        const out = await pool.run(data, shape, { transfer: own !== null, whole: true });
        if (out.input) batchBuffers.give(out.input); // the next batch is stacked into it
        return tf.tidy(() => a.toTiles(tensorFromArray(out.data, out.dims, outputs)));
      },
    },
    release: () => pool.release(),
  };
}
