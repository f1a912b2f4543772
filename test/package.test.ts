/**
 * What `npm install tilecast` gives a user: the packed tarball installed offline (from npm's
 * cache, which `npm ci` filled) into an empty project, where the demo and doctor run, the package
 * imports from ESM, and the README's "In code" examples type-check against the installed types.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = process.cwd();
const root = mkdtempSync(join(tmpdir(), "tilecast-package-"));
// The installed project (with a native TensorFlow build) takes about 1.6 GB: do not leave it behind.
afterAll(() => rmSync(root, { recursive: true, force: true }), 300_000);
const proj = join(root, "project");
const run = (cmd: string, args: string[], cwd = proj) =>
  // ONNXRUNTIME_NODE_INSTALL=skip: the CPU library in the package, no GPU download (as the README tells users).
  execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false", ONNXRUNTIME_NODE_INSTALL: "skip" },
  });
let packed: string[] = [];

beforeAll(() => {
  const out = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root], repo)) as {
    filename: string;
    integrity: string;
    files: { path: string }[];
  }[];
  packed = out[0]?.files.map((f) => f.path) ?? [];
  const tarball = out[0]?.filename ?? "";
  mkdirSync(proj);
  renameSync(join(root, tarball), join(proj, tarball));
  const dep = { tilecast: `file:${tarball}` };
  writeFileSync(
    join(proj, "package.json"),
    JSON.stringify({ name: "user-project", private: true, type: "module", dependencies: dep }),
  );
  // npm's cache holds the tarballs `npm ci` fetched but not the registry's version lists, so an
  // offline install resolves from a lockfile: tilecast's own runtime dependencies, pinned as the
  // repository's lockfile pins them.
  const lock = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8"));
  const self = lock.packages[""];
  const runtime = Object.fromEntries(
    Object.entries(lock.packages as Record<string, { dev?: boolean }>).filter(([k, v]) => k !== "" && !v.dev),
  );
  writeFileSync(
    join(proj, "package-lock.json"),
    JSON.stringify({
      name: "user-project",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "user-project", dependencies: dep },
        "node_modules/tilecast": {
          version: self.version,
          resolved: `file:${tarball}`,
          integrity: out[0]?.integrity,
          license: self.license,
          dependencies: self.dependencies,
          optionalDependencies: self.optionalDependencies,
          bin: self.bin,
          engines: self.engines,
        },
        ...runtime,
      },
    }),
  );
  run("npm", ["ci", "--offline", "--no-audit", "--no-fund"]);
}, 300_000);

describe("the published package", () => {
  it("carries what its commands need and nothing from development", () => {
    for (const f of [
      "LICENSE",
      "NOTICE",
      "CHANGELOG.md",
      "README.md",
      "bin/tilecast.js",
      "dist/index.js",
      "dist/io/index.d.ts",
      "fixtures/demo/scene.s2like.u16.4b.tif",
      "models/scene-water/weights.bin",
      "models/scene-water/card.json",
      "models/scene-water/model.onnx",
      "pipelines/scene-water.yaml",
      "models/scene-seg/model.onnx",
      "models/scene-seg/stats.json",
      "pipelines/scene-seg.yaml",
      "fixtures/scene-seg/test.s2like.u16.4b.tif",
      "fixtures/scene-seg/SOURCE.md",
    ])
      expect(packed, f).toContain(f);
    const dev = packed.filter((f) =>
      /^(test|bench|scripts|src)\/|\.map$|generate\.py$|convert\.py$|^models\/[^/]*\.ts$/.test(f),
    );
    expect(dev).toStrictEqual([]);
    const size = packed.reduce((n, f) => n + readFileSync(join(repo, f)).length, 0);
    expect(size).toBeLessThan(10 * 1024 * 1024);
    expect(readFileSync(join(repo, "LICENSE"), "utf8")).toContain("Apache License");
  });

  it("npx tilecast demo writes under the current directory; doctor reports a backend", () => {
    const out = run("npx", ["tilecast", "demo", "--out", "out/demo"]);
    for (const f of ["scene.tif", "scene.json", "scene.png", "scene-seg.tif", "scene-seg.classes.tif", "scene-seg.png"])
      expect(existsSync(join(proj, "out/demo", f)), f).toBe(true);
    expect(out).toContain(`${resolve(proj, "out/demo/scene-seg.classes.tif")} (classes)`);
    expect(readdirSync(join(proj, "node_modules/tilecast")).includes("out")).toBe(false);
    const doctor = JSON.parse(run("npx", ["tilecast", "doctor", "--json"]));
    expect(["tensorflow", "wasm", "cpu"]).toContain(doctor.backend);
  });

  it("a bundled pipeline runs by name, writing under ./out", () => {
    run("npx", ["tilecast", "run", "scene-water"]); // as the README shows
    expect(existsSync(join(proj, "out/scene-water.tif"))).toBe(true);
    expect(existsSync(join(proj, "out/scene-water.png"))).toBe(true);
  });

  it("imports from ESM, root and subpaths", () => {
    writeFileSync(
      join(proj, "use.mjs"),
      `import { openSource } from "tilecast/io";
       import * as all from "tilecast";
       const src = await openSource("node_modules/tilecast/fixtures/demo/scene.s2like.u16.4b.tif");
       const g = await src.readWindow({ x: 0, y: 0, width: 2, height: 1 }, { bands: [3] });
       console.log(JSON.stringify({ width: src.meta.width, first: Array.from(g.data), names: Object.keys(all).length, run: typeof all.runPipeline }));
       await src.close();`,
    );
    const r = JSON.parse(run(process.execPath, ["use.mjs"]));
    expect(r.width).toBe(512);
    expect(r.first).toHaveLength(2);
    expect(r.run).toBe("function");
  });

  it("the README's In code examples type-check against the installed types", () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const inCode = readme.split("## In code")[1]?.split("\n## ")[0] ?? "";
    const blocks = [...inCode.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(blocks.length).toBeGreaterThan(3);
    blocks.forEach((b, i) => writeFileSync(join(proj, `example-${i}.ts`), b));
    writeFileSync(
      join(proj, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(repo, "node_modules/@types")],
          types: ["node"],
        },
        include: ["example-*.ts"],
      }),
    );
    run(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]);
  });

  // Last: it makes the native backend the project's default.
  it("native build: tfjs-node compiled against a TensorFlow wheel becomes the backend, and computes as TF.js does", (ctx) => {
    const wheel = tensorflowWheel();
    if (!wheel) {
      console.warn(
        "native build test skipped: no TensorFlow wheel (set TILECAST_TF_WHEEL, or let pip download tensorflow-cpu)",
      );
      return ctx.skip();
    }
    const built = JSON.parse(run("npx", ["tilecast", "native", "build", "--from", wheel, "--json"]));
    expect(built).toMatchObject({ package: "@tensorflow/tfjs-node", source: "wheel" });
    expect(built.tensorflow).toMatch(/^2\.\d+\.\d+/);
    // TensorFlow's libraries log while loading; none of it reaches stderr.
    const shown = spawnSync("npx", ["tilecast", "doctor", "--json"], {
      cwd: proj,
      encoding: "utf8",
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
    expect(shown.status).toBe(0);
    expect(shown.stderr).not.toMatch(/absl|oneDNN|port\.cc/);
    const doctor = JSON.parse(shown.stdout);
    expect(doctor).toMatchObject({
      backend: "tensorflow",
      package: "@tensorflow/tfjs-node",
      tensorflow: built.tensorflow,
    });
    // The kernels and gradients tilecast replaces give the cpu backend's values, moving statistics included.
    writeFileSync(
      join(proj, "native.mjs"),
      `import * as tf from "@tensorflow/tfjs";
       import { convLstmNowcaster, foldBatchNorm, selectBackend, tfGraphModel, unet } from "tilecast";
       async function values(backend) {
         await selectBackend({ prefer: backend });
         const x = tf.randomNormal([2, 16, 16, 3], 0, 2, "float32", 7);
         const bn = tf.batchNorm(x, tf.tensor1d([0.5, -1, 2]), tf.tensor1d([1, 4, 0.25]), tf.tensor1d([0, 1, -2]), tf.tensor1d([2, 0.5, 1]), 1e-3);
         const step = tf.step(tf.tensor1d([-1, 0, 2, NaN]));
         const m = unet({ inputShape: [16, 16, 3], depth: 1, filters: 4, batchNorm: true, seed: 3 });
         let g;
         const profile = await tf.profile(() => {
           const { grads } = tf.variableGrads(() => tf.mean(tf.square(m.apply(x, { training: true }))));
           g = Object.values(grads).map((t) => Array.from(t.dataSync()));
         });
         // (tf.profile reuses one record: read it before the next profile.)
         const ran = [...new Set(profile.kernels.map((k) => k.name))].filter((n) => n.startsWith("Tilecast")).sort();
         // After one training call: the batch-norm layers' moving statistics moved.
         const w = m.getWeights().map((t) => Array.from(t.dataSync()));
         // A layer without scale or centre (tfjs-layers' own training call needs both).
         const plain = backend === "tensorflow" ? tf.layers.batchNormalization({ center: false, scale: false }) : null;
         const { mean, variance } = tf.moments(x, [0, 1, 2]);
         const byHand = Array.from(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))).dataSync());
         const plainErr = plain ? err(Array.from(plain.apply(x, { training: true }).dataSync()), byHand) : 0;
         // A ConvLSTM trained one step: its gradients, and how many convolutions its steps ran.
         const lstm = convLstmNowcaster({ inputFrames: 3, outputFrames: 2, height: 8, width: 8, channels: 1, filters: [4, 4], seed: 5 });
         const seq = tf.randomNormal([2, 3, 8, 8, 1], 0, 1, "float32", 9);
         let lstmGrads;
         const lstmProfile = await tf.profile(() => {
           const { grads } = tf.variableGrads(() => tf.mean(tf.square(lstm.apply(seq, { training: true }))));
           lstmGrads = Object.values(grads).map((t) => Array.from(t.dataSync()));
         });
         const convs = lstmProfile.kernels.filter((k) => k.name === "Conv2D" || k.name === "FusedConv2D").length;
         // Convolutions with bias and activation: on native TensorFlow one oneDNN op each.
         const fx = tf.randomNormal([2, 9, 10, 3], 0, 1, "float32", 11);
         const fw = tf.randomNormal([3, 3, 3, 5], 0, 1, "float32", 12);
         const fb = tf.tensor1d([0.5, -1, 0, 2, -0.25]);
         const cases = [["relu", "same", 1, 1], ["linear", "valid", [2, 1], 1], ["relu6", "same", 1, 2], ["elu", "valid", 1, 1], ["leakyrelu", "same", 2, 1]];
         const fused = [];
         const fusedProfile = await tf.profile(() => {
           for (const [activation, pad, strides, dilations] of cases)
             fused.push(Array.from(tf.fused.conv2d({ x: fx, filter: fw, bias: fb, strides, pad, dilations, activation, leakyreluAlpha: 0.1 }).dataSync()));
         });
         const fusedKernels = [...new Set(fusedProfile.kernels.map((k) => k.name).filter((n) => !n.endsWith("__op")))].sort();
         return { bn: Array.from(bn.dataSync()), step: Array.from(step.dataSync()), g, w, ran, plainErr, lstmGrads, convs, fused, fusedKernels };
       }
       function err(a, b) { return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i])))); }
       const native = await values("tensorflow");
       // A U-Net and a ConvLSTM nowcaster as one TensorFlow graph (what a pipeline runs on this backend).
       const nowcaster = convLstmNowcaster({ inputFrames: 3, outputFrames: 2, height: 8, width: 8, channels: 1, filters: [3], persistence: true, seed: 7 });
       const head = nowcaster.getLayer("head");
       head.setWeights(head.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, "float32", 8 + i)));
       const graphCases = [
         [unet({ inputShape: [null, null, 4], depth: 2, filters: 4, classes: 4, batchNorm: true, seed: 3 }), [3, 24, 40, 4]],
         [nowcaster, [2, 3, 8, 8, 1]],
       ];
       let graphErr = 0;
       for (const [gm, shape] of graphCases) {
         const gx = tf.randomNormal(shape, 0, 2, "float32", 5);
         const graph = await tfGraphModel(await foldBatchNorm(gm));
         graphErr = Math.max(graphErr, err(Array.from(graph.predict(gx).dataSync()), Array.from(gm.predict(gx).dataSync())));
       }
       const cpu = await values("cpu");
       const worst = (p, q) => Math.max(...p.map((v, i) => err(v, q[i])));
       console.log(JSON.stringify({ graphErr, bn: err(native.bn, cpu.bn), step: native.step, g: worst(native.g, cpu.g), w: worst(native.w, cpu.w), ran: native.ran, cpuRan: cpu.ran, plain: native.plainErr, lstm: worst(native.lstmGrads, cpu.lstmGrads), convs: [native.convs, cpu.convs], fused: worst(native.fused, cpu.fused), fusedKernels: native.fusedKernels }));`,
    );
    const r = JSON.parse(run(process.execPath, ["native.mjs"]).trim().split("\n").pop() as string);
    expect(r.graphErr).toBeLessThan(1e-4);
    expect(r.bn).toBeLessThan(1e-5);
    expect(r.step).toStrictEqual([0, 0, 1, null]); // NaN stays NaN (JSON null)
    expect(r.g).toBeLessThan(1e-3);
    expect(r.w).toBeLessThan(1e-5);
    // Batch norm trained through TensorFlow's fused ops, ReLU through ReluGrad; cpu kept tfjs's.
    expect(r.ran).toStrictEqual(["TilecastBatchNormTraining", "TilecastBatchNormTrainingGrad", "TilecastReluGrad"]);
    expect(r.cpuRan).toStrictEqual([]);
    expect(r.plain).toBeLessThan(1e-5);
    // ConvLSTM steps: one convolution of the input and one of the state (cpu: one per gate each).
    expect(r.lstm).toBeLessThan(1e-4);
    expect(r.convs[0]).toBeGreaterThan(0);
    expect(r.convs[0] * 3).toBeLessThan(r.convs[1]);
    // Bias and activation fused into the convolution (tfjs-node alone also runs Add and the activation).
    expect(r.fused).toBeLessThan(1e-4);
    expect(r.fusedKernels).toStrictEqual(["FusedConv2D"]);
    // With a budget of two rows, convolutions and their gradients run in bands, with the same values.
    writeFileSync(
      join(proj, "bands.mjs"),
      `import * as tf from "@tensorflow/tfjs";
       import { selectBackend } from "tilecast";
       process.env.TILECAST_CONV_BAND_BYTES = "2200";
       async function values(backend) {
         await selectBackend({ prefer: backend });
         const x = tf.randomNormal([2, 24, 10, 3], 0, 1, "float32", 21);
         const w = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 22);
         let out;
         const p = await tf.profile(() => {
           const y = tf.fused.conv2d({ x, filter: w, bias: tf.tensor1d([0.5, -1, 0, 2]), strides: 1, pad: "same", activation: "relu" });
           const [dx, dw] = tf.grads((a, f) => tf.sum(tf.square(tf.conv2d(a, f, 1, "same"))))([x, w]);
           out = [y, dx, dw].map((t) => Array.from(t.dataSync()));
         });
         // A band is a slice of the padded input (the bands' own convolutions run inside the kernel).
         return { out, slices: p.kernels.filter((k) => k.name === "Slice").length };
       }
       const native = await values("tensorflow");
       const cpu = await values("cpu");
       const err = Math.max(...native.out.flatMap((a, i) => a.map((v, j) => Math.abs(v - cpu.out[i][j]) / Math.max(1, Math.abs(cpu.out[i][j])))));
       console.log(JSON.stringify({ err, slices: [native.slices, cpu.slices] }));`,
    );
    const bands = JSON.parse(run(process.execPath, ["bands.mjs"]).trim().split("\n").pop() as string);
    expect(bands.err).toBeLessThan(1e-4);
    expect(bands.slices[1]).toBe(0);
    expect(bands.slices[0]).toBeGreaterThan(30); // 12 bands of the output, 12 of each gradient
  }, 600_000);
});

/** A TensorFlow wheel: TILECAST_TF_WHEEL, or tensorflow-cpu fetched by pip into a cache (null if neither). */
function tensorflowWheel(): string | null {
  if (process.env.TILECAST_TF_WHEEL) return process.env.TILECAST_TF_WHEEL;
  const cache = join(process.env.TILECAST_TEST_CACHE ?? tmpdir(), "tilecast-wheels"); // kept between runs
  const find = () =>
    existsSync(cache) ? readdirSync(cache).find((f) => /^tensorflow_cpu-.*\.whl$/.test(f)) : undefined;
  if (!find())
    try {
      execFileSync(
        "python3",
        ["-m", "pip", "download", "--no-deps", "--quiet", "tensorflow-cpu==2.21.0", "-d", cache],
        {
          stdio: "ignore",
          timeout: 300_000,
        },
      );
    } catch {
      return null;
    }
  const f = find();
  return f ? join(cache, f) : null;
}
