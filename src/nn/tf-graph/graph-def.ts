/**
 * Building a TensorFlow graph (`GraphDef`) node by node, and encoding it as a `SavedModel`
 * (`saved_model.pb`, tag `serve`, signature `serving_default` with one input and one output).
 * Weights are `Const` nodes in the graph, so the SavedModel has no variables to restore.
 *
 * Only what TensorFlow needs to import the graph is written: required attributes, the rest left
 * to the defaults the importer fills in. Field numbers are those of TensorFlow's `graph.proto`,
 * `node_def.proto`, `attr_value.proto`, `tensor.proto`, `tensor_shape.proto`,
 * `meta_graph.proto` and `saved_model.proto`.
 *
 * Internal (used by `layers.ts` and `export.ts`); for example:
 * ```ts internal
 * import { attr, TfGraphBuilder } from "./graph-def.js";
 * const g = new TfGraphBuilder();
 * const x = g.placeholder("input", [-1, 4]);
 * g.node("Relu", [x], { T: attr.float }, "output");
 * const pb = g.savedModel({ name: "input", shape: [-1, 4] }, { name: "output", shape: [-1, 4] });
 * ```
 */
import { Message } from "./proto.js";

/** TensorFlow's `DataType` values used here. */
const DT_FLOAT = 1;
const DT_INT32 = 3;

/**
 * The GraphDef version the graphs claim: a TensorFlow 2.x-era producer, below the version of the
 * TensorFlow that tfjs-node loads (checked by loading the graphs in TensorFlow 2.21 only).
 */
const PRODUCER = 440;

/** A `TensorShapeProto`; -1 is an unknown dimension. */
function shapeProto(dims: readonly number[]): Message {
  const m = new Message();
  for (const d of dims) m.message(2, new Message().varint(1, d));
  return m;
}

/** An attribute value, encoded (`AttrValue`). */
export type AttrValue = Message;

/** Attribute values of the kinds the converters use. */
export const attr = {
  /** The float32 type (`T`, `dtype`). */
  float: new Message().varint(6, DT_FLOAT),
  /** The int32 type. */
  int32: new Message().varint(6, DT_INT32),
  /** A string (padding, data format, mode). */
  s: (v: string) => new Message().string(2, v),
  /** An integer. */
  i: (v: number) => new Message().varint(3, v),
  /** A boolean. */
  b: (v: boolean) => new Message().varint(5, v ? 1 : 0),
  /** A list of integers (strides, ksize, dilations). */
  ints: (v: readonly number[]) => new Message().message(1, new Message().packed(3, v)),
  /** A shape. */
  shape: (dims: readonly number[]) => new Message().message(7, shapeProto(dims)),
};

/** A graph input or output: its node's name and NHWC shape (-1 where free). */
export interface GraphIO {
  name: string;
  shape: readonly number[];
}

/** Nodes of one graph; names are made unique as they are added. */
export class TfGraphBuilder {
  readonly #nodes: Message[] = [];
  readonly #ints = new Map<string, string>();
  #n = 0;

  /** A fresh node name starting with `base`. */
  fresh(base: string): string {
    return `${base.replace(/[^A-Za-z0-9_]/g, "_")}_${this.#n++}`;
  }

  /** Add a node (its name `name`, else a fresh one); returns the name, which is its first output. */
  node(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, name?: string): string {
    const n = name ?? this.fresh(op.toLowerCase());
    const m = new Message().string(1, n).string(2, op);
    for (const i of inputs) m.string(3, i);
    for (const [k, v] of Object.entries(attrs)) m.entry(5, k, v);
    this.#nodes.push(m);
    return n;
  }

  /** The graph's input: a float32 placeholder. */
  placeholder(name: string, shape: readonly number[]): string {
    return this.node("Placeholder", [], { dtype: attr.float, shape: attr.shape(shape) }, name);
  }

  /** A float32 constant (weights) of shape `dims`. */
  floats(base: string, data: Float32Array, dims: readonly number[]): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    const tensor = new Message().varint(1, DT_FLOAT).message(2, shapeProto(dims)).bytesField(4, bytes);
    return this.node("Const", [], { dtype: attr.float, value: new Message().message(8, tensor) }, this.fresh(base));
  }

  /** An int32 constant (sizes, axes, paddings) of shape `dims` (a vector by default); equal ones share a node. */
  ints(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${values.join(",")}/${dims.join(",")}`;
    const known = this.#ints.get(key);
    if (known) return known;
    const bytes = new Uint8Array(Int32Array.from(values).buffer);
    const tensor = new Message().varint(1, DT_INT32).message(2, shapeProto(dims)).bytesField(4, bytes);
    const name = this.node(
      "Const",
      [],
      { dtype: attr.int32, value: new Message().message(8, tensor) },
      this.fresh("i32"),
    );
    this.#ints.set(key, name);
    return name;
  }

  /** The encoded `GraphDef`. */
  graphDef(): Message {
    const g = new Message();
    for (const n of this.#nodes) g.message(1, n);
    return g.message(4, new Message().varint(1, PRODUCER));
  }

  /** The encoded `SavedModel` (`saved_model.pb`) serving this graph from `input` to `output`. */
  savedModel(input: GraphIO, output: GraphIO, description = "tilecast"): Uint8Array {
    const info = (io: GraphIO) =>
      new Message().string(1, `${io.name}:0`).varint(2, DT_FLOAT).message(3, shapeProto(io.shape));
    const signature = new Message()
      .entry(1, "input", info(input))
      .entry(2, "output", info(output))
      .string(3, "tensorflow/serving/predict");
    const metaInfo = new Message().string(1, description).string(4, "serve");
    const metaGraph = new Message()
      .message(1, metaInfo)
      .message(2, this.graphDef())
      .entry(5, "serving_default", signature);
    return new Message().varint(1, 1).message(2, metaGraph).bytes();
  }
}
