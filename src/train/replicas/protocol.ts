/** The messages between {@link ReplicaPool} and its workers. */
import type { LossSpec } from "../losses.js";

/** A tensor as it crosses threads. */
export interface Wire {
  data: Float32Array;
  shape: number[];
}

/** What a worker starts from. */
export interface ReplicaInit {
  /** `model.toJSON(null, false)`: the topology; weights arrive with every request. */
  topology: object;
  /** The backend the worker selects (the caller's). */
  backend: string;
  loss?: LossSpec;
}

export type ReplicaRequest =
  | { type: "predict"; id: number; weights: Float32Array[] | null; x: Wire }
  | {
      type: "step";
      id: number;
      weights: Float32Array[];
      x: Wire;
      y: Wire;
      mask?: Wire;
      cellWeights?: Wire;
    };

export type ReplicaReply =
  | { type: "ready"; shapes: number[][] }
  | { type: "failed"; error: string }
  | { type: "predict"; id: number; y: Wire }
  | { type: "step"; id: number; loss: number; grads: Float32Array[]; state: Float32Array[] }
  | { type: "error"; id: number; error: string };
