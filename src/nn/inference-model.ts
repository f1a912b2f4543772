/**
 * `inferenceModel(model)`: a model as tilecast runs it for inference in TF.js, with each batch
 * norm folded into its convolution ({@link foldBatchNorm}) and, on the native `tensorflow`
 * backend, the folded model run as one TensorFlow graph ({@link tfGraphModel}) where it converts.
 * `graph` says whether it does, and `graphSkipped` why it runs op by op on that backend instead
 * (a layer the graph export does not convert, or `TILECAST_TF_GRAPH=0`). Pipelines and `tilecast forecast` run their
 * models through it.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { inferenceModel } from "tilecast/nn";
 * import { unet } from "tilecast/models";
 * const m = await inferenceModel(unet({ inputShape: [16, 16, 2], depth: 1, filters: 4, seed: 1 }));
 * console.log(m.predict(tf.zeros([1, 16, 16, 2])).shape, m.graph); // [1, 16, 16, 1] false (true on tensorflow)
 * m.dispose();
 * ```
 */
import { errorLine } from "../errors.js";
import { tf } from "../tfjs.js";
import { foldBatchNorm } from "./fold-batch-norm.js";
import { tfGraphModel } from "./tf-graph/graph-model.js";

/** A model ready for inference; see the module documentation. */
export interface InferenceModel {
  /** The model's output for a batch (a new tensor, the caller's to dispose). */
  predict(x: tf.Tensor): tf.Tensor;
  /** It runs as one TensorFlow graph. */
  readonly graph: boolean;
  /** On the tensorflow backend: why it runs op by op instead. */
  readonly graphSkipped?: string;
  /** Free the folded copy's weights and the graph's session (`model` itself stays). */
  dispose(): void;
}

/** `model` folded, and as a graph on native TensorFlow; see the module documentation. */
export async function inferenceModel(model: tf.LayersModel): Promise<InferenceModel> {
  const folded = await foldBatchNorm(model);
  let skipped: string | undefined;
  if (tf.getBackend() === "tensorflow") {
    if (process.env.TILECAST_TF_GRAPH === "0") skipped = "TILECAST_TF_GRAPH=0";
    else
      try {
        const g = await tfGraphModel(folded);
        folded.dispose(); // the graph holds its own copy of the weights
        return { predict: (x) => g.predict(x), graph: true, dispose: () => g.dispose() };
      } catch (e) {
        skipped = errorLine(e);
      }
  }
  return {
    predict: (x) => folded.predict(x) as tf.Tensor,
    graph: false,
    ...(skipped ? { graphSkipped: skipped } : {}),
    dispose: () => folded.dispose(),
  };
}
