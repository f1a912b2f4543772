/**
 * TensorFlow.js, loaded with `require`, and only the parts tilecast runs. An ESM `import` of the
 * package (CommonJS) makes Node scan the source of every bundle it re-exports for export names
 * before running any of them: about 0.3 s of each start here (0.5-0.6 s against 0.2-0.3 s for
 * the same package required), paid by every `tilecast` command that runs a model, and by every
 * worker thread that loads one.
 *
 * `@tensorflow/tfjs` itself is the union of core, layers, the cpu and WebGL backends, the graph
 * model converter and tf.data. tilecast runs core (ops, the engine, io, optimizers), layers and
 * the cpu backend; requiring those three alone took 70 ms of CPU against 130 ms for the union
 * (10 starts each). The packages are the union's own: a program that imports
 * `@tensorflow/tfjs` gets the same engine, backends and tensors (one `tfjs-core`), and native
 * TensorFlow (`tfjs-node`) loads the union when it is picked.
 *
 * `tf` is that namespace: core's exports, then layers' (core's win where both have a name, as
 * in the union), and `version` as the union gives it. The types tilecast names through it are
 * declared below (add one there when a new `tf.X` type is needed; values need nothing).
 *
 * Internal (every module of tilecast that runs TensorFlow.js imports `tf` from here).
 */
import { createRequire } from "node:module";
import type * as TF from "@tensorflow/tfjs";

const require = createRequire(import.meta.url);

function tensorflow(): typeof TF {
  const core = require("@tensorflow/tfjs-core") as Record<string, unknown> & { version_core: string };
  const layers = require("@tensorflow/tfjs-layers") as Record<string, unknown> & { version_layers: string };
  const cpu = require("@tensorflow/tfjs-backend-cpu") as { version_cpu: string }; // registers the cpu backend
  const ns: Record<string, unknown> = {};
  for (const part of [core, layers])
    for (const name of Object.keys(part))
      if (!(name in ns)) Object.defineProperty(ns, name, { enumerable: true, get: () => part[name] });
  const union = (require("@tensorflow/tfjs/package.json") as { version: string }).version;
  const version = {
    "tfjs-core": core.version_core,
    "tfjs-backend-cpu": cpu.version_cpu,
    "tfjs-layers": layers.version_layers,
    tfjs: union,
  };
  Object.defineProperty(ns, "version", { enumerable: true, value: version });
  return ns as unknown as typeof TF;
}

export const tf = tensorflow();

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
