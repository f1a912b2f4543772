/**
 * TensorFlow SavedModels of tilecast's image models: the wire format checked against protobufjs
 * (an independent protobuf implementation), and the graph read back field by field (TensorFlow's
 * field numbers): its ops, attributes, weights and signature. Running the graph on native
 * TensorFlow, against the model's own values, is in tf-graph-native.test.ts.
 */
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { convLstmNowcaster, globalCnn, unet } from "../../src/models/index.js";
import { selectBackend } from "../../src/nn/backend.js";
import { foldBatchNorm } from "../../src/nn/fold-batch-norm.js";
import { exportSavedModel } from "../../src/nn/tf-graph/export.js";
import { Message } from "../../src/nn/tf-graph/proto.js";

interface Reader {
  pos: number;
  len: number;
  uint32(): number;
  uint64(): { toNumber(): number };
  int64(): { toNumber(): number };
  bytes(): Uint8Array;
  fixed32(): number;
  float(): number;
  skipType(t: number): void;
}
const pb = createRequire(import.meta.url)("protobufjs/minimal") as {
  Reader: { create(b: Uint8Array): Reader };
  Writer: {
    create(): { uint32(v: number): unknown; finish(): Uint8Array } & Record<string, (...a: unknown[]) => unknown>;
  };
};

/** A message's fields by number: varints as numbers (int64, two's complement), bytes, floats. */
type Fields = Map<number, (number | Uint8Array)[]>;
function decode(b: Uint8Array): Fields {
  const r = pb.Reader.create(b);
  const out: Fields = new Map();
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    const v = wire === 0 ? r.int64().toNumber() : wire === 2 ? r.bytes() : wire === 5 ? r.float() : null;
    if (v === null) throw new Error(`wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), v]);
  }
  return out;
}
const bytesOf = (f: Fields, n: number) => (f.get(n) ?? []) as Uint8Array[];
const str = (b: Uint8Array | number | undefined) => new TextDecoder().decode(b as Uint8Array);
/** A `map<string, M>` field as key -> decoded value. */
const mapOf = (f: Fields, n: number) =>
  new Map(bytesOf(f, n).map((e) => [str(decode(e).get(1)?.[0]), decode(decode(e).get(2)?.[0] as Uint8Array)]));

interface NodeRead {
  name: string;
  op: string;
  inputs: string[];
  attrs: Map<string, Fields>;
}
function graphOf(savedModel: Uint8Array): { nodes: NodeRead[]; meta: Fields } {
  const meta = decode(bytesOf(decode(savedModel), 2)[0] as Uint8Array);
  const graph = decode(bytesOf(meta, 2)[0] as Uint8Array);
  const nodes = bytesOf(graph, 1).map((b) => {
    const n = decode(b);
    return {
      name: str(n.get(1)?.[0]),
      op: str(n.get(2)?.[0]),
      inputs: bytesOf(n, 3).map(str),
      attrs: mapOf(n, 5),
    };
  });
  return { nodes, meta };
}
/** An attribute's int list (`list.i`, packed). */
function intList(a: Fields | undefined): number[] {
  const list = decode(bytesOf(a as Fields, 1)[0] as Uint8Array);
  const r = pb.Reader.create(bytesOf(list, 3)[0] as Uint8Array);
  const out: number[] = [];
  while (r.pos < r.len) out.push(r.int64().toNumber());
  return out;
}

describe("protobuf wire format", () => {
  it("matches protobufjs's writer field for field", () => {
    const w = pb.Writer.create() as unknown as {
      uint32(v: number): typeof w;
      int64(v: number): typeof w;
      string(v: string): typeof w;
      float(v: number): typeof w;
      bytes(v: Uint8Array): typeof w;
      fork(): typeof w;
      ldelim(): typeof w;
      finish(): Uint8Array;
    };
    w.uint32(8)
      .int64(150)
      .uint32(16)
      .int64(2 ** 40)
      .uint32(24)
      .int64(-1)
      .uint32(34)
      .string("héllo");
    w.uint32(45)
      .float(0.1)
      .uint32(50)
      .bytes(Uint8Array.of(1, 2, 3));
    w.uint32(58).fork().uint32(8).int64(7).ldelim();
    w.uint32(66).fork().int64(1).int64(-2).int64(300).ldelim();
    const ours = new Message()
      .varint(1, 150)
      .varint(2, 2 ** 40)
      .varint(3, -1)
      .string(4, "héllo")
      .float(5, 0.1)
      .bytesField(6, Uint8Array.of(1, 2, 3))
      .message(7, new Message().varint(1, 7))
      .packed(8, [1, -2, 300]);
    expect([...ours.bytes()]).toStrictEqual([...w.finish()]);
  });
});

describe("exportSavedModel", () => {
  beforeAll(async () => {
    await selectBackend({ prefer: "cpu" });
  });

  it("writes a U-Net as TensorFlow ops in NHWC, its kernels as they are, served as serving_default", async () => {
    const m = await foldBatchNorm(unet({ inputShape: [16, 16, 3], depth: 1, filters: 4, classes: 3, seed: 1 }));
    const { nodes, meta } = graphOf(exportSavedModel(m));
    const ops = nodes.map((n) => n.op);
    expect(nodes[0]).toMatchObject({ name: "input", op: "Placeholder" });
    expect(nodes.at(-1)).toMatchObject({ name: "output", op: "Identity" });
    for (const op of ["Conv2D", "BiasAdd", "Relu", "MaxPool", "Conv2DBackpropInput", "ConcatV2", "Softmax"])
      expect(ops).toContain(op);
    expect(ops.filter((o) => o === "Conv2D")).toHaveLength(
      m.layers.filter((l) => l.getClassName() === "Conv2D").length,
    );
    // Every input names a node made before it.
    const seen = new Set<string>();
    for (const n of nodes) {
      for (const i of n.inputs) expect(seen.has(i.split(":")[0] as string)).toBe(true);
      seen.add(n.name);
    }
    // The first convolution: 3 x 3, stride 1, SAME, NHWC, reading the input and its kernel's bytes.
    const conv = nodes.find((n) => n.op === "Conv2D") as NodeRead;
    expect(intList(conv.attrs.get("strides"))).toStrictEqual([1, 1, 1, 1]);
    expect(str(conv.attrs.get("padding")?.get(2)?.[0])).toBe("SAME");
    expect(str(conv.attrs.get("data_format")?.get(2)?.[0])).toBe("NHWC");
    expect(conv.inputs[0]).toBe("input");
    const kernelNode = nodes.find((n) => n.name === conv.inputs[1]) as NodeRead;
    const tensor = decode(bytesOf(kernelNode.attrs.get("value") as Fields, 8)[0] as Uint8Array);
    const dims = bytesOf(decode(bytesOf(tensor, 2)[0] as Uint8Array), 2).map((d) => decode(d).get(1)?.[0]);
    const kernel = m.layers.find((l) => l.getClassName() === "Conv2D")?.getWeights()[0] as tf.Tensor;
    expect(dims).toStrictEqual(kernel.shape);
    expect(tensor.get(1)).toStrictEqual([1]); // DT_FLOAT
    const content = bytesOf(tensor, 4)[0] as Uint8Array;
    expect([...new Float32Array(content.slice().buffer)]).toStrictEqual([...kernel.dataSync()]);
    // The transposed convolution: 2 x 2, stride 2, sized from its input at run time.
    const up = nodes.find((n) => n.op === "Conv2DBackpropInput") as NodeRead;
    expect(intList(up.attrs.get("strides"))).toStrictEqual([1, 2, 2, 1]);
    // Tag and signature.
    const info = decode(bytesOf(meta, 1)[0] as Uint8Array);
    expect(bytesOf(info, 4).map(str)).toStrictEqual(["serve"]);
    const sig = mapOf(meta, 5).get("serving_default") as Fields;
    expect(str(sig.get(3)?.[0])).toBe("tensorflow/serving/predict");
    const input = mapOf(sig, 1).get("input") as Fields;
    const output = mapOf(sig, 2).get("output") as Fields;
    expect(str(input.get(1)?.[0])).toBe("input:0");
    expect(str(output.get(1)?.[0])).toBe("output:0");
    const shape = (f: Fields) => bytesOf(decode(bytesOf(f, 3)[0] as Uint8Array), 2).map((d) => decode(d).get(1)?.[0]);
    expect(shape(input)).toStrictEqual([-1, 16, 16, 3]);
    expect(shape(output)).toStrictEqual([-1, 16, 16, 3]);
  });

  it("wraps longitude with slices of the last columns and first columns, and pads the poles", () => {
    const m = globalCnn({ height: 8, width: 16, channels: 2, filters: 4, blocks: 1, seed: 2, latitude: "reflect" });
    const { nodes } = graphOf(exportSavedModel(m));
    const ops = nodes.map((n) => n.op);
    expect(ops).toContain("StridedSlice");
    expect(ops).toContain("MirrorPad");
    expect(ops).toContain("AddV2");
  });

  it("unrolls a ConvLSTM nowcaster over its frames: unstacked in, one Split of the gates a step, stacked out", () => {
    const m = convLstmNowcaster({
      inputFrames: 3,
      outputFrames: 2,
      height: 8,
      width: 8,
      channels: 1,
      filters: [2],
      seed: 1,
    });
    const { nodes } = graphOf(exportSavedModel(m));
    const count = (op: string) => nodes.filter((n) => n.op === op).length;
    expect(count("Unpack")).toBe(1);
    expect(count("Pack")).toBe(1);
    // One encoder step per input frame, one forecaster step per output frame.
    expect(count("Split")).toBe(3 + 2);
    const pack = nodes.find((n) => n.op === "Pack") as NodeRead;
    expect(pack.inputs).toHaveLength(2);
  });

  it("applies an image layer to each frame of a sequence: persistence plus the change, frame by frame", () => {
    const m = convLstmNowcaster({
      inputFrames: 3,
      outputFrames: 4,
      height: 8,
      width: 8,
      channels: 1,
      filters: [2],
      persistence: true,
      seed: 1,
    });
    const { nodes } = graphOf(exportSavedModel(m));
    const pack = nodes.find((n) => n.op === "Pack") as NodeRead;
    expect(pack.inputs).toHaveLength(4);
    for (const i of pack.inputs) expect(nodes.find((n) => n.name === i)?.op).toBe("AddV2");
  });

  it("refuses a layer it does not convert, naming it", () => {
    const x = tf.input({ shape: [4, 4, 2] });
    const y = tf.layers.dense({ units: 3, name: "head" }).apply(x) as tf.SymbolicTensor;
    expect(() => exportSavedModel(tf.model({ inputs: x, outputs: y }))).toThrow(
      /TensorFlow graph: layer 'head' \(Dense\) is not converted/,
    );
  });
});
