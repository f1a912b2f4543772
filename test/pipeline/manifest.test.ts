import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/pipeline/config.js";
import { identityChange, modelHash, pipelineHash, type RunIdentity, stampInput } from "../../src/pipeline/manifest.js";
import { tmp } from "../helpers/write.js";

const yaml = (extra = "") => `input: { path: /data/scene.tif }
tiling: { size: 64 }
model: { type: identity }
output: { path: /out/x.tif }
${extra}`;

describe("run manifests", () => {
  it("the pipeline hash ignores key order and the runtime, not a changed key", () => {
    const a = parsePipeline(yaml(), "/jobs/a.yaml");
    const b = parsePipeline(
      `model: { type: identity }\n${yaml().replace("model: { type: identity }\n", "")}`,
      "/jobs/b.yaml",
    );
    expect(pipelineHash(b)).toBe(pipelineHash(a));
    expect(pipelineHash(parsePipeline(yaml("runtime: tfjs"), "/jobs/a.yaml"))).toBe(pipelineHash(a));
    expect(pipelineHash(parsePipeline(yaml(), "/jobs/a.yaml", ["tiling.overlap=8"]))).not.toBe(pipelineHash(a));
  });

  it("stamps a file by size and time, a store by its files, a URL without its password", async () => {
    const dir = dirname(tmp("x"));
    writeFileSync(join(dir, "a.tif"), "12345");
    expect(await stampInput(join(dir, "a.tif"))).toMatchObject({ path: join(dir, "a.tif"), bytes: 5 });
    mkdirSync(join(dir, "s.zarr/t2m/0"), { recursive: true });
    writeFileSync(join(dir, "s.zarr/.zgroup"), "{}");
    writeFileSync(join(dir, "s.zarr/t2m/0/0"), "abc");
    expect(await stampInput(join(dir, "s.zarr"))).toMatchObject({ files: 2, bytes: 5 });
    const url = await stampInput("https://user:s3cret@example.org/scene.tif");
    expect(JSON.stringify(url)).not.toContain("s3cret");
    await expect(stampInput(join(dir, "missing.tif"))).rejects.toThrow(`${join(dir, "missing.tif")}: input not found`);
  });

  it("the model's hash follows its files' contents", async () => {
    const dir = dirname(tmp("m"));
    writeFileSync(join(dir, "card.json"), "{}");
    writeFileSync(join(dir, "weights.bin"), "aaaa");
    const p = parsePipeline(
      yaml().replace("model: { type: identity }", `model: { type: unet, path: ${dir} }`),
      "/j.yaml",
    );
    const before = await modelHash(p);
    writeFileSync(join(dir, "weights.bin"), "aaab");
    expect(await modelHash(p)).not.toBe(before);
    expect(await modelHash(parsePipeline(yaml(), "/j.yaml"))).toBeNull();
  });

  it("names the first difference between two identities", () => {
    const was: RunIdentity = {
      pipeline: "p1",
      inputs: [{ path: "/a.tif", bytes: 10, mtimeMs: 1 }],
      model: "m1",
      runtime: "onnx/cpu",
      parts: { count: 4, tileSize: 64, windows: "w" },
    };
    expect(identityChange(was, { ...was })).toBeNull();
    expect(identityChange(was, { ...was, pipeline: "p2" })).toBe("the pipeline changed");
    expect(identityChange(was, { ...was, inputs: [{ path: "/a.tif", bytes: 11, mtimeMs: 1 }] })).toBe(
      "input /a.tif changed (size or modification time)",
    );
    expect(identityChange(was, { ...was, model: "m2" })).toBe("the model changed");
    expect(identityChange(was, { ...was, runtime: "tfjs/wasm" })).toBe(
      "the runtime changed (onnx/cpu then, tfjs/wasm now)",
    );
    expect(identityChange(was, { ...was, parts: { count: 9, tileSize: 64, windows: "v" } })).toBe(
      "the part layout changed",
    );
  });
});
