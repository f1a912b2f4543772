import { describe, expect, it } from "vitest";
import { loadPipeline, parsePipeline, parseSets } from "../../src/pipeline/config.js";

const BASE = `input:
  path: scene.tif
tiling:
  size: 64
model:
  type: identity
output:
  path: out.tif
`;

describe("pipeline files", () => {
  it("fills defaults and resolves paths against the file's directory", () => {
    const p = parsePipeline(BASE, "/jobs/a/job.yaml");
    expect(p.input.path).toBe("/jobs/a/scene.tif");
    expect(p.output?.path).toBe("/jobs/a/out.tif");
    expect(p.tiling).toStrictEqual({
      size: 64,
      overlap: 0,
      edge: "pad",
      padding: "nodata",
      periodic: "auto",
      skipEmpty: true,
      concurrency: 8,
      parts: { width: 4096, height: 16384 },
    });
    expect([p.batch, p.stitch.weights, p.output?.dtype]).toStrictEqual([8, "hann", "float32"]);
  });

  it("--set overrides keys with YAML-typed values before validation", () => {
    const p = parsePipeline(BASE, "/j/x.yaml", [
      "tiling.size=256",
      "tiling.periodic=true",
      "stitch.weights=linear",
      "input.bands=[2, 1]",
    ]);
    expect([p.tiling.size, p.tiling.periodic, p.stitch.weights, p.input.bands]).toStrictEqual([
      256,
      true,
      "linear",
      [2, 1],
    ]);
    expect(parseSets(["a.b=x=y"])).toStrictEqual([["a.b", "x=y"]]);
    expect(() => parseSets(["nokey"])).toThrow("--set takes KEY=VALUE, got 'nokey'");
  });

  it("--set takes text YAML would mangle as written: comments, anchors, tags, braces", () => {
    const sets = [
      "output.path=out/scene #3.tif", // YAML: "out/scene" (a comment)
      "a=&x.tif", // YAML: null (an anchor)
      "b=!x.tif", // YAML: "" (a tag)
      "c={scene}.tif", // YAML: a parse error, an internal error before
      "d=@x.tif",
      "e=*.tif",
      'f="quoted #1"', // a quoted string is YAML's: its quotes go
      "g=null",
      "h=",
      "i=[1, 2]",
      "j=0.5",
      "k=false",
      "l={a: 1}",
      "m=out/a: b.tif", // a path, not a map
      "n=- a", // nor a list
    ];
    expect(Object.fromEntries(parseSets(sets))).toStrictEqual({
      "output.path": "out/scene #3.tif",
      a: "&x.tif",
      b: "!x.tif",
      c: "{scene}.tif",
      d: "@x.tif",
      e: "*.tif",
      f: "quoted #1",
      g: null,
      h: null,
      i: [1, 2],
      j: 0.5,
      k: false,
      l: { a: 1 },
      m: "out/a: b.tif",
      n: "- a",
    });
  });

  it("--set refuses keys that would reach an object's prototype, and empty ones", () => {
    for (const [key, bad] of [
      ["__proto__.polluted", "__proto__"],
      ["output.constructor.prototype.polluted", "constructor"],
      ["tiling..size", ""],
    ])
      expect(() => parsePipeline(BASE, "/j/x.yaml", [`${key}=1`])).toThrow(
        `--set ${key}: '${bad}' is not a key of a pipeline file`,
      );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("errors name the file, the line and the key", () => {
    expect(() => parsePipeline(BASE.replace("size: 64", "size: big"), "p.yaml")).toThrow(
      /^p\.yaml: line 4: tiling\.size: .*expected number/,
    );
    expect(() => parsePipeline(`${BASE}stitch:\n  weights: gauss\n`, "p.yaml")).toThrow(
      /^p\.yaml: line 10: stitch\.weights: /,
    );
    expect(() => parsePipeline(BASE.replace("  size: 64", "  size: 64\n  colour: red"), "p.yaml")).toThrow(
      "p.yaml: line 5: tiling: unknown key 'colour'",
    );
    expect(() => parsePipeline(BASE.replace("output:\n  path: out.tif\n", ""), "p.yaml")).toThrow(
      /^p\.yaml: line 1: output: /,
    );
    expect(() => parsePipeline("input: [unclosed", "p.yaml")).toThrow(/^p\.yaml: line 1: /);
    expect(() => parsePipeline("- a list", "p.yaml")).toThrow("p.yaml: a pipeline file is a YAML mapping");
    expect(() => parsePipeline(BASE, "p.yaml", ["tiling.size=-1"])).toThrow(/tiling\.size: Too small/);
  });

  it("a key set to null is left out, unless null is a value of its own (nodata)", async () => {
    const seg = await loadPipeline("pipelines/scene-seg.yaml", [
      "output.quicklook=null",
      "output.classes=",
      "tiling.overlap=null",
      "output.level=null",
    ]);
    expect(seg.output?.quicklook).toBeUndefined();
    expect(seg.output?.classes).toBeUndefined();
    expect(seg.output?.options).toStrictEqual({});
    expect(seg.tiling.overlap).toBe(0); // the default, not the file's 16
    expect((await loadPipeline("pipelines/scene-seg.yaml")).output?.quicklook).toMatch(/scene-seg\.png$/);
    // In the file too: `quicklook:` with no value.
    const file = parsePipeline(`${BASE}  quicklook:\n  nodata: null\n`, "p.yaml");
    expect(file.output?.quicklook).toBeUndefined();
    expect(file.output?.nodata).toBeNull();
    expect(() => parsePipeline(BASE, "p.yaml", ["input.path=null"])).toThrow(/^p\.yaml: line 2: input\.path: /);
  });

  it("every bundled pipeline validates", async () => {
    for (const f of ["scene-ndvi", "scene-identity", "era5-global"]) {
      const p = await loadPipeline(`pipelines/${f}.yaml`);
      expect(p.name).toBe(f);
    }
    await expect(loadPipeline("pipelines/missing.yaml")).rejects.toThrow(
      "pipelines/missing.yaml: cannot read pipeline file",
    );
  });
});
