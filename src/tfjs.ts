/**
 * TensorFlow.js, loaded with `require`. An ESM `import` of the package (CommonJS) makes Node
 * scan the source of every bundle it re-exports for export names before running any of them:
 * about 0.3 s of each start here (0.5-0.6 s against 0.2-0.3 s for the same package required),
 * paid by every `tilecast` command that runs a model, and by every worker thread that loads one.
 * It is the same module either way: code that imports the package itself gets this instance.
 *
 * `tf` is the package's namespace; the types tilecast names through it are declared below
 * (add one there when a new `tf.X` type is needed; values need nothing).
 *
 * Internal (every module of tilecast that runs TensorFlow.js imports `tf` from here).
 */
import { createRequire } from "node:module";
import type * as TF from "@tensorflow/tfjs";

export const tf = createRequire(import.meta.url)("@tensorflow/tfjs") as typeof TF;

export declare namespace tf {
  namespace backend_util {
    type Conv2DInfo = TF.backend_util.Conv2DInfo;
  }
  type DataType = TF.DataType;
  type GradConfig = TF.GradConfig;
  type GradSaveFunc = TF.GradSaveFunc;
  type KernelBackend = TF.KernelBackend;
  type KernelConfig = TF.KernelConfig;
  type KernelFunc = TF.KernelFunc;
  type LayersModel = TF.LayersModel;
  type NamedAttrMap = TF.NamedAttrMap;
  type NamedTensorInfoMap = TF.NamedTensorInfoMap;
  type NamedTensorMap = TF.NamedTensorMap;
  type Optimizer = TF.Optimizer;
  type Rank = TF.Rank;
  namespace Rank {
    type R1 = TF.Rank.R1;
    type R2 = TF.Rank.R2;
    type R3 = TF.Rank.R3;
    type R4 = TF.Rank.R4;
    type R5 = TF.Rank.R5;
  }
  type Scalar = TF.Scalar;
  type Shape = TF.Shape;
  type SymbolicTensor = TF.SymbolicTensor;
  type Tensor<R extends TF.Rank = TF.Rank> = TF.Tensor<R>;
  type Tensor4D = TF.Tensor4D;
  type TensorInfo = TF.TensorInfo;
  type Variable<R extends TF.Rank = TF.Rank> = TF.Variable<R>;
  namespace io {
    type IOHandler = TF.io.IOHandler;
    type ModelArtifacts = TF.io.ModelArtifacts;
    type SaveResult = TF.io.SaveResult;
    type TrainingConfig = TF.io.TrainingConfig;
    type WeightData = TF.io.WeightData;
    type WeightsManifestEntry = TF.io.WeightsManifestEntry;
  }
  namespace layers {
    type Layer = TF.layers.Layer;
  }
  namespace serialization {
    type ConfigDict = TF.serialization.ConfigDict;
  }
}
