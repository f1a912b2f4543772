/**
 * A pipeline's outputs each have a path of their own, none of them what it reads, checked when
 * the file is loaded, before any work. Before, `output.classes` set to `output.path` wrote both
 * products to one file (one lost, exit 0), `output.quicklook` set to `output.path` replaced the
 * GeoTIFF with a PNG, and a quicklook over the input failed only after the whole run, with its
 * main output already written.
 */
import { linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPipeline } from "../../src/pipeline/config.js";
import { tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const seg = "pipelines/scene-seg.yaml";
const scene = resolve("fixtures/scene-seg/test.s2like.u16.4b.tif");

describe("a pipeline's output paths", () => {
  it("two products at one path, by any spelling, are refused before anything is written", () => {
    const dir = tmp("output-paths");
    mkdirSync(join(dir, "real"), { recursive: true });
    symlinkSync(join(dir, "real"), join(dir, "link"));
    const out = join(dir, "real", "p.tif");
    const cases: [string[], string][] = [
      [[`output.classes=${out}`], `output.classes ${out} is output.path too: give each output its own path`],
      [
        [`output.quicklook=${join(dir, "link", "p.tif")}`],
        `output.quicklook ${join(dir, "link", "p.tif")} is output.path too: give each output its own path`,
      ],
      [
        [`output.quicklook=${scene}`],
        `output.quicklook ${scene} is input.path: an output may not replace what the pipeline reads`,
      ],
    ];
    for (const [sets, line] of cases) {
      const r = tilecast(
        "run",
        seg,
        "--set",
        `input.path=${scene}`,
        "--set",
        `output.path=${out}`,
        ...sets.flatMap((s) => ["--set", s]),
        "-q",
      );
      expect([r.code, r.stderr], sets.join(" ")).toStrictEqual([2, `tilecast: ${seg}: ${line}\n`]);
    }
    expect(readdirSync(join(dir, "real"))).toStrictEqual([]);
  });

  it("training's model and checkpoints are two directories", async () => {
    const dir = tmp("train-paths");
    await expect(
      loadPipeline("pipelines/scene-seg-train.yaml", [`train.output=${dir}`, `train.checkpoints=${dir}`]),
    ).rejects.toThrow(`train.checkpoints ${dir} is train.output too: give each output its own path`);
  });
  it("the pipeline file, the model, a hard link of the input and a stage's statistics are inputs too", () => {
    const dir = tmp("output-inputs");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "seg.yaml");
    const text = readFileSync(seg, "utf8")
      .replace(/\.\.\/models\//g, `${resolve("models")}/`)
      .replace(/\.\.\/fixtures\//g, `${resolve("fixtures")}/`);
    writeFileSync(file, text);
    const linked = join(dir, "hard.tif");
    linkSync(scene, linked);
    const stats = join(dir, "stats.json");
    writeFileSync(stats, "{}");
    const model = resolve("models/scene-seg");
    const cases: [string[], string][] = [
      [[`output.quicklook=${file}`], `output.quicklook ${file} is the pipeline file`],
      [[`output.classes=${model}`], `output.classes ${model} is model.path`],
      [[`output.path=${linked}`], `output.path ${linked} is input.path`],
      [
        [`stages=[{type: normalize, method: zscore, stats: ${stats}}]`, `output.classes=${stats}`],
        `output.classes ${stats} is stages.0.stats`,
      ],
    ];
    for (const [sets, line] of cases) {
      const r = tilecast(
        "run",
        file,
        "--set",
        `input.path=${scene}`,
        "--set",
        `output.path=${join(dir, "out.tif")}`,
        ...sets.flatMap((s) => ["--set", s]),
        "-q",
      );
      expect([r.code, r.stderr], sets.join(" ")).toStrictEqual([
        2,
        `tilecast: ${file}: ${line}: an output may not replace what the pipeline reads\n`,
      ]);
    }
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(readdirSync(dir).sort()).toStrictEqual(["hard.tif", "seg.yaml", "stats.json"]);
  });

  it("a stage's saved statistics are an output: checked against the others and the output root", async () => {
    const dir = tmp("stage-save");
    const out = join(dir, "out.tif");
    await expect(
      loadPipeline(seg, [
        `output.path=${out}`,
        `stages=[{type: normalize, method: zscore, stats: compute, saveStats: ${out}}]`,
      ]),
    ).rejects.toThrow(`stages.0.saveStats ${out} is output.path too: give each output its own path`);
    const r = tilecast(
      "run",
      seg,
      "--output-root",
      dir,
      "--set",
      `output.path=${out}`,
      "--set",
      "output.classes=null",
      "--set",
      "output.quicklook=null",
      "--set",
      `stages=[{type: normalize, method: zscore, stats: compute, saveStats: /tmp/elsewhere.json}]`,
      "-q",
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("stages.0.saveStats /tmp/elsewhere.json is outside the output root");
  });
});
