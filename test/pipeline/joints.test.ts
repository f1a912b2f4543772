/**
 * The joints: stages from the registry usable in pipeline files, output options checked by the
 * format's driver, abort and run identity, errors naming the stage.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { map } from "rxjs";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { isTilecastError, type TilecastError } from "../../src/errors.js";
import { createGrid } from "../../src/grid/grid.js";
import { openSource } from "../../src/io/registry.js";
import { registerModel } from "../../src/models/registry.js";
import { parsePipeline } from "../../src/pipeline/config.js";
import { type RunEvent, runPipeline } from "../../src/pipeline/run.js";
import { registerStage } from "../../src/pipeline/stages.js";

const SCENE = join(process.cwd(), "fixtures/demo/scene.s2like.u16.4b.tif");
const dir = mkdtempSync(join(tmpdir(), "tilecast-joints-"));

const yaml = (out: string, extra = "", output = "") => `input:
  path: ${SCENE}
tiling:
  size: 128
model:
  type: identity
${extra}
output:
  path: ${out}
${output}`;

beforeAll(async () => {
  await tf.setBackend("cpu");
  registerStage({
    name: "scale-test",
    summary: "multiply pixels by a factor",
    options: z.strictObject({ factor: z.number() }),
    create: (o) =>
      map((t) => ({
        ...t,
        grid: createGrid("float32", t.grid.shape, {
          data: Float32Array.from(t.grid.data, (v) => v * o.factor),
          georef: t.grid.georef,
        }),
      })),
  });
  registerStage({
    name: "explode-test",
    summary: "fails on its first tile",
    options: z.strictObject({}),
    create: () =>
      map(() => {
        throw new RangeError("boom");
      }),
  });
});

async function errorOf(p: Promise<unknown>): Promise<TilecastError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!isTilecastError(e)) throw new Error(`expected a TilecastError, got ${String(e)}`);
  return e;
}

describe("stages from the registry in pipeline files", () => {
  it("a stage written in code runs from YAML, with its options", async () => {
    const out = join(dir, "scaled.tif");
    const p = parsePipeline(yaml(out, "stages:\n  - {type: scale-test, factor: 0.5}"), join(dir, "p.yaml"));
    expect(p.stages).toStrictEqual([{ type: "scale-test", factor: 0.5 }]);
    await runPipeline(p);
    const [a, b] = [await openSource(SCENE), await openSource(out)];
    const w = { x: 100, y: 200, width: 3, height: 1 };
    const want = Array.from((await a.readWindow(w, { bands: [0] })).data, (v) => v * 0.5);
    expect(Array.from((await b.readWindow(w, { bands: [0] })).data)).toStrictEqual(want);
    await a.close();
    await b.close();
  });

  it("unknown stages and bad stage options are refused at load, with the line", () => {
    expect(() => parsePipeline(yaml("o.tif", "stages:\n  - {type: nope}"), "p.yaml")).toThrow(
      /p\.yaml: line 8: stages\.0\.type: unknown stage 'nope' \(known: .*normalize.*scale-test/,
    );
    expect(() => parsePipeline(yaml("o.tif", "stages:\n  - {type: scale-test, factor: x}"), "p.yaml")).toThrow(
      /p\.yaml: line 8: stages\.0\.factor: /,
    );
  });

  it("a user's stage throwing its own error fails the run naming the stage; no output is left", async () => {
    const out = join(dir, "exploded.tif");
    const e = await errorOf(runPipeline(parsePipeline(yaml(out, "stages:\n  - {type: explode-test}"), "p.yaml")));
    expect([e.code, e.stage, e.message]).toStrictEqual(["E_STAGE", "explode-test", "stage explode-test: boom"]);
    expect(existsSync(out)).toBe(false);
  });

  it("a model throwing its own error names the predict stage", async () => {
    registerModel({
      name: "broken-test",
      summary: "throws",
      options: z.strictObject({}),
      load: async () => ({
        bands: 1,
        predictor: () => {
          throw new Error("weights missing");
        },
      }),
    });
    const p = parsePipeline(yaml(join(dir, "b.tif")).replace("type: identity", "type: broken-test"), "p.yaml");
    const e = await errorOf(runPipeline(p));
    expect(e.message).toBe("stage predict: weights missing");
  });
});

describe("output options come from the format's driver", () => {
  it("GeoTIFF takes compress, Zarr takes compressor; each refuses the other's", () => {
    expect(parsePipeline(yaml("o.tif", "", "  compress: none"), "p.yaml").output).toMatchObject({
      format: "geotiff",
      options: { compress: "none" },
    });
    expect(parsePipeline(yaml("o.zarr", "", "  compressor: zlib"), "p.yaml").output?.options).toStrictEqual({
      compressor: { id: "zlib", level: 5 },
    });
    expect(() => parsePipeline(yaml("o.tif", "", "  compressor: zlib"), "p.yaml")).toThrow(
      /p\.yaml: line 10: output\.compressor: GeoTIFF outputs take no option 'compressor' \(they take: compress, level, predictor, bigTiff\)/,
    );
    expect(() => parsePipeline(yaml("o.png"), "p.yaml")).toThrow(/line 9: output\.path: cannot write this format/);
  });

  it("a pipeline writes a Zarr store with the driver's options", async () => {
    const out = join(dir, "run.zarr");
    await runPipeline(parsePipeline(yaml(out, "", "  compressor: zlib\n  zarrFormat: 3"), "p.yaml"));
    const z3 = await openSource(out);
    expect([z3.meta.format, z3.meta.width, z3.meta.bands]).toStrictEqual(["zarr", 512, 4]);
    await z3.close();
  });
});

describe("runPipeline({ signal, runId, onEvent })", () => {
  it("events carry the run id; the summary too", async () => {
    const events: RunEvent[] = [];
    const s = await runPipeline(parsePipeline(yaml(join(dir, "id.tif")), "p.yaml"), {
      runId: "cycle-42",
      onEvent: (e) => events.push(e),
    });
    expect(s.runId).toBe("cycle-42");
    expect(events.map((e) => e.event)).toStrictEqual(["start", "model", "part", "done"]);
    expect(new Set(events.map((e) => e.runId))).toStrictEqual(new Set(["cycle-42"]));
  });

  it("an abort stops the run with E_ABORTED and leaves nothing at the target", async () => {
    const out = join(dir, "aborted.tif");
    const c = new AbortController();
    const p = parsePipeline(yaml(out, "batch: 1").replace("size: 128", "size: 32"), "p.yaml");
    let tiles = 0;
    const e = await errorOf(
      runPipeline(p, {
        signal: c.signal,
        onProgress: (done) => {
          tiles = done;
          if (done >= 3) c.abort();
        },
      }),
    );
    expect(e.code).toBe("E_ABORTED");
    expect(tiles).toBeLessThan(256);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("aborted"))).toStrictEqual([]);
  });

  it("an already aborted signal runs nothing", async () => {
    const c = new AbortController();
    c.abort();
    const e = await errorOf(runPipeline(parsePipeline(yaml(join(dir, "never.tif")), "p.yaml"), { signal: c.signal }));
    expect(e.code).toBe("E_ABORTED");
  });
});
