/**
 * An output over a file or store the job is reading is refused before anything is written,
 * whatever path names it (the same path, another spelling of it, a link to it). Before, `tilecast
 * convert a.tif a.tif` replaced the input with itself re-encoded and exited 0, and a pipeline
 * whose output named its input replaced the scene it read with its product. A command is one job:
 * what it read stays its input after it closes it (`evaluate a.tif b.tif --out a.tif` replaced the
 * scored prediction with the scores).
 */
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { atomicWrite } from "../../src/io/atomic.js";
import { asJob } from "../../src/io/reading.js";
import { createSink, openSource } from "../../src/io/registry.js";
import { tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const md5 = (path: string) => createHash("md5").update(readFileSync(path)).digest("hex");
const refusal = (path: string) => `tilecast: ${path}: is an input of this job: write the output to another path\n`;

describe("an output over the job's input", () => {
  it("convert refuses it by any name, and the input is untouched", () => {
    const dir = tmp("output-is-input");
    mkdirSync(dir);
    const a = join(dir, "a.tif");
    copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", a);
    symlinkSync(a, join(dir, "link.tif"));
    const before = md5(a);
    for (const out of [a, join(dir, ".", "a.tif"), relative(process.cwd(), a), join(dir, "link.tif")]) {
      const r = tilecast("convert", a, out, "-q");
      expect([r.code, r.stderr], out).toStrictEqual([2, refusal(out)]);
    }
    expect(md5(a)).toBe(before);
    expect(readdirSync(dir).sort()).toStrictEqual(["a.tif", "link.tif"]);

    const store = join(dir, "s.zarr");
    cpSync("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr", store, { recursive: true });
    const files = readdirSync(store, { recursive: true }).sort();
    const r = tilecast("convert", store, store, "--var", "t2m", "-q");
    expect([r.code, r.stderr]).toStrictEqual([2, refusal(store)]);
    expect(readdirSync(store, { recursive: true }).sort()).toStrictEqual(files);
  });

  it("a pipeline whose output is its input, by a link, is refused as it loads; the scene is kept", () => {
    const dir = tmp("output-is-input-run");
    mkdirSync(dir);
    const scene = join(dir, "scene.tif");
    copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", scene);
    symlinkSync(scene, join(dir, "link.tif"));
    const before = md5(scene);
    const r = tilecast(
      "run",
      "pipelines/scene-identity.yaml",
      ...["--set", `input.path=${scene}`, "--set", `output.path=${join(dir, "link.tif")}`],
      ...["--set", `normalize.saveStats=${join(dir, "stats.json")}`, "-q"],
    );
    expect([r.code, r.stderr]).toStrictEqual([
      2,
      `tilecast: pipelines/scene-identity.yaml: output.path ${join(dir, "link.tif")} is input.path: an output may not replace what the pipeline reads\n`,
    ]);
    expect(md5(scene)).toBe(before);
    expect(readdirSync(dir).sort()).toStrictEqual(["link.tif", "scene.tif"]);
  });

  it("evaluate's --out is refused over the rasters it scored, though it has closed them", () => {
    const dir = tmp("output-is-input-evaluate");
    mkdirSync(dir);
    const [a, b] = [join(dir, "a.tif"), join(dir, "b.tif")];
    copyFileSync("fixtures/scene-seg/test.labels.u8.tif", a);
    copyFileSync("fixtures/scene-seg/test.labels.u8.tif", b);
    const before = md5(a);
    for (const out of [a, b, relative(process.cwd(), a)]) {
      const r = tilecast("evaluate", a, b, "--classes", "4", "--out", out);
      expect([r.code, r.stderr], out).toStrictEqual([2, refusal(out)]);
    }
    expect([md5(a), md5(b)]).toStrictEqual([before, before]);
    expect(readdirSync(dir).sort()).toStrictEqual(["a.tif", "b.tif"]);
    const r = tilecast("evaluate", a, b, "--classes", "4", "--out", join(dir, "scores.json"));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "scores.json"), "utf8")).accuracy).toBe(1);
  });

  it("a model's files are inputs of what reads it: model export --out over them is refused", () => {
    const dir = tmp("output-is-model");
    cpSync("models/scene-seg", dir, { recursive: true });
    const files = readdirSync(dir).sort();
    const before = files.map((f) => md5(join(dir, f)));
    for (const name of ["model.json", "weights.bin"]) {
      const r = tilecast("model", "export", dir, "--out", join(dir, name));
      expect([r.code, r.stderr], name).toStrictEqual([2, refusal(join(dir, name))]);
    }
    expect(readdirSync(dir).sort()).toStrictEqual(files);
    expect(files.map((f) => md5(join(dir, f)))).toStrictEqual(before);
  });

  it("in a job, an input stays one after it is closed; a fresh job has its own", async () => {
    const dir = tmp("output-input-job");
    mkdirSync(dir);
    const [a, b] = [join(dir, "a.tif"), join(dir, "b.tif")];
    copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", a);
    copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", b);
    const readAndClose = async (path: string) => (await openSource(path)).close();
    await asJob(async () => {
      await readAndClose(a);
      await expect(atomicWrite(a, "scores")).rejects.toThrow(`${a}: is an input of this job`);
      await asJob(async () => {
        await readAndClose(b);
        await atomicWrite(a, "a fresh job did not read a");
        await expect(atomicWrite(b, "")).rejects.toThrow(`${b}: is an input of this job`);
      }, true);
      await atomicWrite(b, "the outer job did not read b");
    });
    expect([readFileSync(a, "utf8"), readFileSync(b, "utf8")]).toStrictEqual([
      "a fresh job did not read a",
      "the outer job did not read b",
    ]);
  });

  it("once the input is closed, its path may be written", async () => {
    const dir = tmp("output-after-input");
    mkdirSync(dir);
    const a = join(dir, "a.tif");
    copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", a);
    const spec = { width: 4, height: 4, bands: 1, dtype: "uint8" as const, georef: null, nodata: null };
    const [one, two] = [await openSource(a), await openSource(a)];
    await expect(createSink(a, spec)).rejects.toThrow("is an input of this job");
    await one.close();
    await one.close(); // closing twice releases it once: the other reader still holds it
    await expect(createSink(a, spec)).rejects.toThrow("is an input of this job");
    await two.close();
    const before = md5(a);
    const sink = await createSink(a, spec);
    await sink.abort();
    expect(md5(a)).toBe(before);
  });
});
