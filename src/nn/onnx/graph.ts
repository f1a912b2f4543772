/**
 * Building an ONNX graph and encoding it with `onnx-proto` (the compiled ONNX protobuf
 * definitions): nodes, float and int64 initializers, attributes, and the model around them.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { GraphBuilder } from "./graph.js";
 * const g = new GraphBuilder();
 * const y = g.node("Relu", ["x"]);
 * const bytes = g.encode({ name: "x", shape: [null, 4] }, { name: y, shape: [null, 4] });
 * ```
 */
import { createRequire } from "node:module";
import type * as OnnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";

/**
 * onnx-proto's definitions, required when a graph is first built: the package is 0.66 MB of
 * CommonJS that every process importing the ONNX module paid for at start (imported as an ES
 * module, with Node scanning it for export names; required, about 20 ms), while one that runs an
 * exported `model.onnx` as it is never builds a graph. A pipeline run still builds one: it folds
 * its normalization into the model's graph.
 */
let proto: typeof OnnxProto.onnx | null = null;
const onnxDefs = (): typeof OnnxProto.onnx => {
  proto ??= (createRequire(import.meta.url)("onnx-proto") as typeof OnnxProto).onnx;
  return proto;
};

/** The ONNX opset the exporter targets. */
export const OPSET = 17;

/**
 * The exporter's revision, recorded with an export (`onnx.exporter` in a model card): a file
 * written by an earlier revision is exported afresh instead of run. 2: layer options the graph
 * would not reproduce are refused, dilated `same` convolutions and transposed convolutions whose
 * kernel is shorter than their stride convert as tfjs computes them (revision 1 got them wrong).
 */
export const EXPORTER = 2;

/** An attribute value: a number (int or float by `float`), a list of ints, or a string. */
export type Attr = number | readonly number[] | string | { float: number };

function attribute(name: string, v: Attr): OnnxTypes.IAttributeProto {
  const AT = onnxDefs().AttributeProto.AttributeType;
  if (typeof v === "string") return { name, type: AT.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === "number") return { name, type: AT.INT, i: v };
  if (Array.isArray(v)) return { name, type: AT.INTS, ints: [...(v as number[])] };
  return { name, type: AT.FLOAT, f: (v as { float: number }).float };
}

/** A graph input or output: name and NCHW... shape (`null` for a free dimension). */
export interface GraphIO {
  name: string;
  shape: readonly (number | null)[];
}

function valueInfo(io: GraphIO): OnnxTypes.IValueInfoProto {
  return {
    name: io.name,
    type: {
      tensorType: {
        elemType: onnxDefs().TensorProto.DataType.FLOAT,
        shape: { dim: io.shape.map((d, i) => (d === null ? { dimParam: `d${i}` } : { dimValue: d })) },
      },
    },
  };
}

/** Nodes and initializers of one graph; names are made unique as they are added. */
export class GraphBuilder {
  readonly #nodes: OnnxTypes.INodeProto[] = [];
  readonly #inits: OnnxTypes.ITensorProto[] = [];
  readonly #ints = new Map<string, string>();
  #n = 0;

  /** A fresh value name starting with `base`. */
  fresh(base: string): string {
    return `${base.replace(/[^A-Za-z0-9_]/g, "_")}_${this.#n++}`;
  }

  /** Add a node; returns its first output's name (`outputs` names them, else fresh names). */
  node(op: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, outputs?: readonly string[]): string {
    const out = outputs ?? [this.fresh(op.toLowerCase())];
    this.#nodes.push({
      opType: op,
      input: [...inputs],
      output: [...out],
      name: this.fresh(`n_${op}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out[0] as string;
  }

  /** Add a node with several outputs; returns their names. */
  nodeN(op: string, inputs: readonly string[], count: number, attrs: Record<string, Attr> = {}): string[] {
    const outs = Array.from({ length: count }, () => this.fresh(op.toLowerCase()));
    this.node(op, inputs, attrs, outs);
    return outs;
  }

  /** A float32 constant (weights). */
  floats(base: string, data: Float32Array, dims: readonly number[]): string {
    const name = this.fresh(base);
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.#inits.push({ name, dataType: onnxDefs().TensorProto.DataType.FLOAT, dims: [...dims], rawData: raw.slice() });
    return name;
  }

  /** An int64 vector constant (shapes, axes, pads); equal vectors share one initializer. */
  ints(values: readonly number[]): string {
    const key = values.join(",");
    const known = this.#ints.get(key);
    if (known) return known;
    const name = this.fresh("i64");
    const raw = new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
    this.#inits.push({ name, dataType: onnxDefs().TensorProto.DataType.INT64, dims: [values.length], rawData: raw });
    this.#ints.set(key, name);
    return name;
  }

  /** The encoded model (`ModelProto`) with one input and one output. */
  encode(input: GraphIO, output: GraphIO, docString = ""): Uint8Array {
    const model: OnnxTypes.IModelProto = {
      irVersion: 8,
      producerName: "tilecast",
      opsetImport: [{ domain: "", version: OPSET }],
      docString,
      graph: {
        name: "tilecast",
        node: this.#nodes,
        initializer: this.#inits,
        input: [valueInfo(input)],
        output: [valueInfo(output)],
      },
    };
    const onnx = onnxDefs();
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
