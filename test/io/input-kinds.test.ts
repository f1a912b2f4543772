/**
 * Inputs that are not files: a named pipe with no writer blocked `open()` in Node's thread pool
 * for ever, and the process could not exit even on SIGTERM (Node joins its pool threads at exit),
 * whether the pipe was the raster, a store's chunk or metadata, a sidecar, a statistics file or a
 * model's card. A device read as a raster was "unrecognised format". Each is now refused at once,
 * naming the file and what it is. Every case runs in a child process killed with SIGKILL after
 * 20 s, so a hang fails the case instead of the suite.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const STORE = "fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr";
const TIFF = "fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif";

/** `tilecast ...args`, killed (SIGKILL: a blocked process ignores SIGTERM) after 20 s. */
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 20_000, killSignal: "SIGKILL" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A named pipe at `path` (made by mkfifo), replacing what was there. */
function fifo(path: string): string {
  rmSync(path, { force: true, recursive: true });
  mkdirSync(dirname(path), { recursive: true });
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  return path;
}

const NOT_A_FILE = "not a file: tilecast reads by seeking in files; copy it into one first";

describe("inputs that are not files are refused at once, by name", () => {
  it("a named pipe as the raster: inspect and convert", () => {
    const p = fifo(tmp("pipe.tif"));
    for (const args of [
      ["inspect", p],
      ["convert", p, tmp("out.tif")],
    ]) {
      const r = run(...args);
      expect(r.stderr).toBe(`tilecast: ${p}: this is a named pipe (FIFO), ${NOT_A_FILE}\n`);
      expect(r.code).toBe(1);
    }
  });

  it("a character device as the raster", () => {
    const r = run("inspect", "/dev/zero");
    expect(r.stderr).toBe(`tilecast: /dev/zero: this is a character device, ${NOT_A_FILE}\n`);
    expect(r.code).toBe(1);
  });

  it("a named pipe as a store's chunk or array metadata, named inside the store", () => {
    const store = tmp("store.zarr");
    cpSync(STORE, store, { recursive: true });
    const chunk = fifo(join(store, "t2m", "0.0.0"));
    const r = run("convert", "-q", "--var", "t2m", "--index", "time=0", store, tmp("t.tif"));
    expect(r.stderr).toBe(`tilecast: ${store}: ${chunk} is a named pipe (FIFO), ${NOT_A_FILE}\n`);
    expect(r.code).toBe(1);
    rmSync(join(store, ".zmetadata"));
    const meta = fifo(join(store, "t2m", ".zarray"));
    const m = run("inspect", store);
    expect(m.stderr).toBe(`tilecast: ${store}: ${meta} is a named pipe (FIFO), ${NOT_A_FILE}\n`);
    expect(m.code).toBe(1);
  });

  it("a named pipe as a GeoTIFF's .aux.xml sidecar", () => {
    const tif = tmp("scene.tif");
    cpSync(TIFF, tif);
    const aux = fifo(`${tif}.aux.xml`);
    const r = run("inspect", tif);
    expect(r.stderr).toBe(`tilecast: ${aux}: this is a named pipe (FIFO), ${NOT_A_FILE}\n`);
    expect(r.code).toBe(1);
  });

  it("a named pipe as a pipeline's statistics file or its model's card", () => {
    const stats = fifo(tmp("stats.json"));
    const out = [
      "--set",
      `output.path=${tmp("seg.tif")}`,
      "--set",
      "output.classes=null",
      "--set",
      "output.quicklook=null",
    ];
    const s = run("run", "pipelines/scene-seg.yaml", "--set", `normalize.stats=${stats}`, ...out, "-q");
    expect(s.stderr).toBe(`tilecast: ${stats}: this is a named pipe (FIFO), ${NOT_A_FILE}\n`);
    expect(s.code).not.toBe(0);
    const model = dirname(tmp("model/x"));
    cpSync("models/scene-seg", model, { recursive: true });
    const card = fifo(join(model, "card.json"));
    const c = run("run", "pipelines/scene-seg.yaml", "--set", `model.path=${model}`, ...out, "-q");
    expect(c.stderr).toBe(`tilecast: ${card}: this is a named pipe (FIFO), ${NOT_A_FILE}\n`);
    expect(c.code).not.toBe(0);
  });
});
