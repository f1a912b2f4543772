/**
 * Commands and subpaths that need no tensors load no TensorFlow.js: every module a process
 * resolves is traced (test/helpers/trace-imports.mjs) and none may lie under @tensorflow.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "tilecast-startup-"));

function traced(args: string[], name: string): { status: number | null; modules: string[] } {
  const trace = join(dir, `${name}.txt`);
  const r = spawnSync(process.execPath, ["--import", "./test/helpers/trace-imports.mjs", ...args], {
    encoding: "utf8",
    env: { ...process.env, TILECAST_TRACE_FILE: trace },
  });
  expect(r.stderr).toBe("");
  let modules: string[] = [];
  try {
    modules = readFileSync(trace, "utf8").trim().split("\n");
  } catch {}
  return { status: r.status, modules };
}

const tensorflow = (mods: string[]) => mods.filter((m) => m.includes("@tensorflow"));

describe("startup without TensorFlow.js", () => {
  it.each([
    ["inspect", ["bin/tilecast.js", "inspect", "fixtures/demo/scene.s2like.u16.4b.tif"]],
    ["inspect-zarr", ["bin/tilecast.js", "inspect", "fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr"]],
    ["convert", ["bin/tilecast.js", "convert", "fixtures/demo/scene.s2like.u16.4b.tif", join(dir, "c.tif"), "-q"]],
  ])("tilecast %s", (name, args) => {
    const { status, modules } = traced(args, name);
    expect(status).toBe(0);
    expect(modules.length).toBeGreaterThan(50); // the trace works
    expect(tensorflow(modules)).toStrictEqual([]);
    // Decoders of codecs these files do not use load on first use; tilecast parses local TIFFs
    // itself (geotiff.js, about 80 ms to import, is for remote files and some codecs).
    expect(modules.filter((m) => /\/node_modules\/(lerc|zstddec|sharp|geotiff)\//.test(m))).toStrictEqual([]);
  });

  it.each(["grid", "io", "tiling", "augment"])("import tilecast/%s", (sub) => {
    const { status, modules } = traced(["--input-type=module", "-e", `await import("tilecast/${sub}")`], sub);
    expect(status).toBe(0);
    expect(modules.some((m) => m.includes(`/dist/${sub}/index.js`))).toBe(true);
    expect(tensorflow(modules)).toStrictEqual([]);
  });

  it("the trace sees TensorFlow.js where it is loaded (control)", () => {
    const { modules } = traced(["--input-type=module", "-e", 'await import("tilecast/stages")'], "stages");
    expect(tensorflow(modules).length).toBeGreaterThan(0);
  });
});

describe("codec workers start lean", () => {
  const zarrita = (mods: string[]) => mods.filter((m) => /\/node_modules\/(zarrita|@zarrita)\//.test(m));

  it("their decoders load no zarrita (40 ms of each worker's start)", () => {
    const load = ["codec-worker.js", "codec-job.js", "zarr/chunk-decode.js", "geotiff/block-job.js"]
      .map((m) => `await import("./dist/io/${m}");`)
      .join(" ");
    const { status, modules } = traced(["--input-type=module", "-e", load], "codec-worker");
    expect(status).toBe(0);
    expect(modules.some((m) => m.endsWith("/dist/io/zarr/blosc.js"))).toBe(true);
    expect(zarrita(modules)).toStrictEqual([]);
  });

  it("the trace sees zarrita where the reader loads it (control)", () => {
    const { modules } = traced(
      ["--input-type=module", "-e", 'await import("./dist/io/zarr/source.js")'],
      "zarr-source",
    );
    expect(zarrita(modules).length).toBeGreaterThan(0);
  });
});
