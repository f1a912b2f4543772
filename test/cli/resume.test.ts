/**
 * Resumable and sharded runs through the CLI, on the segmentation job: a run killed with
 * SIGKILL and resumed, a run stopped by SIGTERM and resumed, and three shards run at once then
 * finalized, all give the output of one uninterrupted run (GeoTIFF pixels and georeferencing
 * as GDAL reads them; Zarr chunk for chunk).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { PartFile } from "../../src/io/parts/part-file.js";
import { BIN, tilecast } from "../helpers/cli.js";
import { hasGdal, py } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const PIPE = "pipelines/scene-seg.yaml";
/** Small parts (and 64 px output blocks, which parts are whole numbers of), so a run has many (36 on this 384 x 384 scene) and stops mid-way. */
const SMALL = [
  ...[
    "--set",
    "tiling.parts.width=64",
    "--set",
    "tiling.parts.height=64",
    "--set",
    "batch=2",
    "--set",
    "output.block=64",
  ],
];
const outputs = (dir: string, ext = "tif") => [
  "--set",
  `output.path=${dir}/seg.${ext}`,
  "--set",
  `output.classes=${dir}/seg.classes.tif`,
  "--set",
  `output.quicklook=${dir}/seg.png`,
];

/** Pixels, geotransform, CRS and colour table of a raster as GDAL reads them, hashed. */
function fingerprint(path: string): { pixels: string; geo: number[]; wkt: string; colors: number[][] | null } {
  return py(`import hashlib
ds = gdal.Open(${JSON.stringify(path)})
ct = ds.GetRasterBand(1).GetColorTable()
print(json.dumps({"pixels": hashlib.sha256(ds.ReadAsArray().tobytes()).hexdigest(), "geo": list(ds.GetGeoTransform()), "wkt": ds.GetProjection(),
  "colors": [list(ct.GetColorEntry(i)) for i in range(ct.GetCount())] if ct else None}))`);
}

/** Every file of a Zarr store, by relative path, with its bytes hashed (chunks and metadata). */
function storeFiles(root: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, storeFiles(root, r));
    else out[r] = readFileSync(join(root, r)).toString("base64").slice(0, 64) + readFileSync(join(root, r)).length;
  }
  return out;
}

/** A file's SHA-256 (compared instead of the bytes, whose diff would take minutes when they differ). */
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** The part files kept in the run writing `dir`/seg.tif. */
const keptParts = (dir: string) => readdirSync(`${dir}/seg.tif.parts`).filter((f) => /^part-\d+\.bin$/.test(f));

/** Rewrite a part file's header with another `form` (the header is JSON before a 4-byte length at the end). */
function setPartForm(path: string, form: string): void {
  const bytes = readFileSync(path);
  const n = bytes.readUInt32LE(bytes.length - 4);
  const header = JSON.parse(bytes.subarray(bytes.length - 4 - n, bytes.length - 4).toString("utf8"));
  const json = Buffer.from(JSON.stringify({ ...header, form }));
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(json.length);
  writeFileSync(path, Buffer.concat([bytes.subarray(0, bytes.length - 4 - n), json, tail]));
}

/** Start a run and send `signal` once `parts` part files exist; resolves with its exit. */
function stopAfterParts(args: string[], partsDir: string, parts: number, signal: NodeJS.Signals) {
  return new Promise<{ code: number | null; signal: string | null; partsAtStop: number; stderr: string }>((done) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    let partsAtStop = -1;
    const poll = setInterval(() => {
      const n = existsSync(partsDir) ? readdirSync(partsDir).filter((f) => f.endsWith(".bin")).length : 0;
      if (n >= parts && partsAtStop < 0) {
        partsAtStop = n;
        child.kill(signal);
      }
    }, 5);
    child.on("exit", (code, sig) => {
      clearInterval(poll);
      done({ code, signal: sig, partsAtStop, stderr });
    });
  });
}

describe.skipIf(!hasGdal)("resumable and sharded runs", () => {
  const plainDir = dirname(tmp("plain"));
  const plain = tilecast("run", PIPE, ...outputs(plainDir), ...SMALL, "-q");

  it("an uninterrupted run keeps a manifest and no parts; --resume of it does nothing and says so", () => {
    expect(plain.code, plain.stderr).toBe(0);
    const m = JSON.parse(readFileSync(`${plainDir}/seg.tif.manifest.json`, "utf8"));
    expect(m.identity.parts.count).toBe(36);
    expect(m.complete.runId).toBe(m.runId);
    expect(existsSync(`${plainDir}/seg.tif.parts`)).toBe(false);
    const again = tilecast("run", PIPE, ...outputs(plainDir), ...SMALL, "--resume");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("is complete already");
  });

  it("--resume of a complete run whose class raster or output was removed makes them again, the same", () => {
    const dir = dirname(tmp("gone"));
    expect(tilecast("run", PIPE, ...outputs(dir), ...SMALL, "-q").code).toBe(0);
    const before = fingerprint(`${dir}/seg.classes.tif`);
    for (const lost of ["seg.classes.tif", "seg.tif"]) {
      rmSync(`${dir}/${lost}`);
      const again = tilecast("run", PIPE, ...outputs(dir), ...SMALL, "--resume", "-q");
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).not.toContain("complete already");
      expect(fingerprint(`${dir}/${lost}`)).toStrictEqual(fingerprint(`${plainDir}/${lost}`));
    }
    expect(fingerprint(`${dir}/seg.classes.tif`)).toStrictEqual(before);
    expect(tilecast("run", PIPE, ...outputs(dir), ...SMALL, "--resume").stdout).toContain("is complete already");
  });

  it("SIGKILL mid-run, then --resume: the same pixels, georeferencing, classes and quicklook", async () => {
    const dir = dirname(tmp("killed"));
    const args = ["run", PIPE, ...outputs(dir), ...SMALL, "-q"];
    const killed = await stopAfterParts(args, `${dir}/seg.tif.parts`, 3, "SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(`${dir}/seg.tif`)).toBe(false); // nothing half-written at the target
    // Kept as the output stored them (probabilities' tiles, packed into bytes by the pipeline, and
    // classes' tiles), with the quicklook's cells.
    const kept = await PartFile.open(`${dir}/seg.tif.parts/${keptParts(dir)[0]}`);
    await kept.close();
    expect(kept.header.codec).toBe("stored");
    expect(JSON.parse(kept.header.form as string).map((f: string) => JSON.parse(f).dtype)).toStrictEqual([
      "uint8",
      "uint8",
    ]);
    expect(Object.keys(kept.header.extras ?? {}).sort()).toStrictEqual(["image", "output"]);
    expect(kept.header.blocks[0]?.pieces).toHaveLength(2);
    const resumed = tilecast(...args, "--resume", "--log-format", "json");
    expect(resumed.code, resumed.stderr).toBe(0);
    const s = JSON.parse(resumed.stdout);
    expect(s.parts.before).toBeGreaterThanOrEqual(killed.partsAtStop);
    expect(s.parts.before + s.parts.ran).toBe(36);
    expect(s.parts.ran).toBeGreaterThan(0);
    for (const f of ["seg.tif", "seg.classes.tif"])
      expect(fingerprint(`${dir}/${f}`)).toStrictEqual(fingerprint(`${plainDir}/${f}`));
    expect(sha(`${dir}/seg.png`)).toBe(sha(`${plainDir}/seg.png`));
    expect(existsSync(`${dir}/seg.tif.parts`)).toBe(false);
  });

  it("a kept part stored in another form is redone; a shard keeps stored parts too, and finalize copies them", async () => {
    const dir = dirname(tmp("reform"));
    const args = ["run", PIPE, ...outputs(dir), ...SMALL, "-q"];
    await stopAfterParts(args, `${dir}/seg.tif.parts`, 4, "SIGKILL");
    const before = keptParts(dir);
    const other = `${dir}/seg.tif.parts/${before[0]}`;
    setPartForm(other, JSON.stringify(["another", "form"]));
    const resumed = tilecast(...args, "--resume", "--log-format", "json");
    expect(resumed.code, resumed.stderr).toBe(0);
    const { parts } = JSON.parse(resumed.stdout);
    expect(parts.before).toBe(before.length - 1);
    expect(parts.ran).toBe(36 - before.length + 1);
    for (const f of ["seg.tif", "seg.classes.tif"])
      expect(fingerprint(`${dir}/${f}`)).toStrictEqual(fingerprint(`${plainDir}/${f}`));

    // Parts of a killed run, the rest done by a shard, then finalize: all stored as the output stores them.
    const mixed = dirname(tmp("mixed"));
    const run = ["run", PIPE, ...outputs(mixed), ...SMALL, "-q"];
    await stopAfterParts(run, `${mixed}/seg.tif.parts`, 3, "SIGKILL");
    expect(tilecast(...run, "--shard", "0/1").code).toBe(0);
    const kinds = new Set<string>();
    for (const f of keptParts(mixed)) {
      const part = await PartFile.open(`${mixed}/seg.tif.parts/${f}`);
      kinds.add(`${part.header.codec} ${Object.keys(part.header.extras ?? {}).sort()}`);
      await part.close();
    }
    expect([...kinds]).toStrictEqual(["stored image,output"]);
    const fin = tilecast("finalize", PIPE, ...outputs(mixed), ...SMALL);
    expect(fin.code, fin.stderr).toBe(0);
    for (const f of ["seg.tif", "seg.classes.tif"])
      expect(fingerprint(`${mixed}/${f}`)).toStrictEqual(fingerprint(`${plainDir}/${f}`));
    expect(sha(`${mixed}/seg.png`)).toBe(sha(`${plainDir}/seg.png`));
  });

  it("a kept part that no longer reads fails --resume at once, naming it; no output is left", async () => {
    const dir = dirname(tmp("corrupt"));
    const args = ["run", PIPE, ...outputs(dir), ...SMALL, "-q"];
    await stopAfterParts(args, `${dir}/seg.tif.parts`, 3, "SIGKILL");
    const parts = readdirSync(`${dir}/seg.tif.parts`).filter((f) => f.endsWith(".bin"));
    const bad = `${dir}/seg.tif.parts/${parts[0]}`;
    writeFileSync(bad, "not what a part file holds");
    const resumed = tilecast(...args, "--resume");
    expect(resumed.code).not.toBe(0);
    expect(resumed.stderr).toContain(bad);
    expect(resumed.stderr).toContain("not a tilecast part file");
    expect(existsSync(`${dir}/seg.tif`)).toBe(false);
    expect(existsSync(`${dir}/seg.classes.tif`)).toBe(false);
  });

  it("SIGTERM stops cleanly (exit 143, finished parts kept, no output); --resume finishes it", async () => {
    const dir = dirname(tmp("termed"));
    const args = ["run", PIPE, ...outputs(dir), ...SMALL, "-q"];
    const stopped = await stopAfterParts(args, `${dir}/seg.tif.parts`, 2, "SIGTERM");
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toContain("finished parts are kept");
    expect(existsSync(`${dir}/seg.tif`)).toBe(false);
    const left = readdirSync(`${dir}/seg.tif.parts`);
    expect(left.every((f) => /^part-\d+\.bin$/.test(f))).toBe(true); // the part in flight rolled back
    const progress = () => JSON.parse(tilecast("status", "--runs", dir, "--json").stdout);
    expect(progress()).toMatchObject([
      { output: `${dir}/seg.tif`, complete: false, partsDone: left.length, partsTotal: 36 },
    ]);
    const resumed = tilecast(...args, "--resume");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(progress()).toMatchObject([{ complete: true, partsDone: 36, partsTotal: 36 }]);
    expect(fingerprint(`${dir}/seg.tif`)).toStrictEqual(fingerprint(`${plainDir}/seg.tif`));
  });

  it("a changed input is refused for resume, and --force starts over", async () => {
    const dir = dirname(tmp("changed"));
    const input = `${dir}/scene.tif`;
    const { copyFileSync } = await import("node:fs");
    copyFileSync("fixtures/scene-seg/test.s2like.u16.4b.tif", input);
    const args = ["run", PIPE, ...outputs(dir), ...SMALL, "--set", `input.path=${input}`, "-q"];
    await stopAfterParts(args, `${dir}/seg.tif.parts`, 1, "SIGKILL");
    const later = new Date(Date.now() + 5000);
    utimesSync(input, later, later);
    const refused = tilecast(...args, "--resume");
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      `tilecast: ${dir}/seg.tif.manifest.json: cannot resume: input ${input} changed (size or modification time) since this run began; run with --force to start over`,
    );
    const forced = tilecast(...args, "--resume", "--force", "--log-format", "json");
    expect(forced.code, forced.stderr).toBe(0);
    const { parts } = JSON.parse(forced.stdout);
    expect(parts.before).toBe(0);
    expect(parts.ran).toBe(parts.total);
  });

  it("three shards at once, then finalize: a Zarr store equal chunk for chunk to one run's", async () => {
    const dir = dirname(tmp("sharded"));
    const one = dirname(tmp("one"));
    expect(tilecast("run", PIPE, ...outputs(one, "zarr"), ...SMALL, "-q").code).toBe(0);
    const early = tilecast("finalize", PIPE, ...outputs(dir, "zarr"), ...SMALL);
    expect(early.stderr).toContain("no run to finalize");
    const shard = (i: number) =>
      new Promise<number | null>((done) => {
        const c = spawn(process.execPath, [
          BIN,
          "run",
          PIPE,
          ...outputs(dir, "zarr"),
          ...SMALL,
          "--shard",
          `${i}/3`,
          "-q",
        ]);
        c.on("exit", (code) => done(code));
      });
    expect(await Promise.all([shard(0), shard(2)])).toStrictEqual([0, 0]);
    // Zarr parts keep each block's compressed chunks (one per band), and the class raster's tile.
    const zarrPart = await PartFile.open(`${dir}/seg.zarr.parts/part-0.bin`);
    await zarrPart.close();
    expect(zarrPart.header.codec).toBe("stored");
    expect(zarrPart.header.blocks[0]?.pieces).toHaveLength(5);
    const missing = tilecast("finalize", PIPE, ...outputs(dir, "zarr"), ...SMALL);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("12 of 36 parts are not done yet (12, 13, 14, 15, 16, 17, 18, 19, ...)");
    expect(existsSync(`${dir}/seg.zarr`)).toBe(false);
    expect(await shard(1)).toBe(0);
    const fin = tilecast("finalize", PIPE, ...outputs(dir, "zarr"), ...SMALL);
    expect(fin.code, fin.stderr).toBe(0);
    expect(fin.stdout).toContain(`wrote ${dir}/seg.zarr from 36 parts`);
    expect(storeFiles(`${dir}/seg.zarr`)).toStrictEqual(storeFiles(`${one}/seg.zarr`));
    expect(fingerprint(`${dir}/seg.classes.tif`)).toStrictEqual(fingerprint(`${one}/seg.classes.tif`));
  });

  it("a packed output (uint8, scale 0.004) from two shards and finalize: the same pixels and packing as one run", () => {
    const pack = ["--set", "output.dtype=uint8", "--set", "output.scale=0.004", "--set", "output.nodata=255"];
    const dir = dirname(tmp("packed-shards"));
    const one = dirname(tmp("packed-one"));
    expect(tilecast("run", PIPE, ...outputs(one), ...SMALL, ...pack, "-q").code).toBe(0);
    for (const i of [0, 1])
      expect(tilecast("run", PIPE, ...outputs(dir), ...SMALL, ...pack, "--shard", `${i}/2`, "-q").code).toBe(0);
    const fin = tilecast("finalize", PIPE, ...outputs(dir), ...SMALL, ...pack);
    expect(fin.code, fin.stderr).toBe(0);
    expect(fingerprint(`${dir}/seg.tif`)).toStrictEqual(fingerprint(`${one}/seg.tif`));
    const packing = (path: string) =>
      py<number[][]>(`ds = gdal.Open(${JSON.stringify(path)})
print(json.dumps([[ds.GetRasterBand(i + 1).GetScale(), ds.GetRasterBand(i + 1).GetOffset(), ds.GetRasterBand(i + 1).GetNoDataValue()] for i in range(ds.RasterCount)]))`);
    expect(packing(`${dir}/seg.tif`)).toStrictEqual(Array(4).fill([0.004, 0, 255]));
    expect(packing(`${one}/seg.tif`)).toStrictEqual(Array(4).fill([0.004, 0, 255]));
  });

  it("a quicklook of the output itself (no class raster) from two shards and finalize equals one run's", () => {
    const water = (dir: string) => [
      "pipelines/scene-water.yaml",
      ...["--set", `output.path=${dir}/water.tif`, "--set", `output.quicklook=${dir}/water.png`],
      ...SMALL,
    ];
    const dir = dirname(tmp("water-shards"));
    const one = dirname(tmp("water-one"));
    expect(tilecast("run", ...water(one), "-q").code).toBe(0);
    for (const i of [0, 1]) expect(tilecast("run", ...water(dir), "--shard", `${i}/2`, "-q").code).toBe(0);
    const fin = tilecast("finalize", ...water(dir));
    expect(fin.code, fin.stderr).toBe(0);
    expect(fingerprint(`${dir}/water.tif`)).toStrictEqual(fingerprint(`${one}/water.tif`));
    expect(sha(`${dir}/water.png`)).toBe(sha(`${one}/water.png`));
  });
});
