/**
 * The hostile-input families, one by one: each gives a one-line error naming the file, quickly
 * and in bounded memory, and loses nothing that was already on disk.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstIfd, put } from "../fuzz/tiff.js";
import { tilecast } from "../helpers/cli.js";
import { hasGdal } from "../helpers/gdal.js";
import { tmp } from "../helpers/write.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";

/** Run the CLI and report its peak RSS (MB) and wall time (s) too. */
function measured(...args: string[]) {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "bin/tilecast.js", ...args], {
    encoding: "utf8",
  });
  const lines = r.stderr
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("Command exited"));
  const rssMB = Number(lines.pop()) / 1024;
  return { code: r.status, stderr: lines.join("\n"), rssMB, seconds: (performance.now() - t0) / 1000 };
}

function store(compressor = "none"): string {
  const p = tmp("base.zarr");
  expect(tilecast("convert", SCENE, p, "--compressor", compressor, "--block", "128", "-q").code).toBe(0);
  return p;
}

const json = (p: string) => JSON.parse(readFileSync(p, "utf8"));

describe("data loss", () => {
  it("convert onto an existing directory refuses, and the directory keeps its files", () => {
    const dir = tmp("precious.tif");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "keep me");
    const r = tilecast("convert", SCENE, dir, "-q");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tilecast: ${dir}: is a directory; refusing to replace it (remove it first)\n`);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("keep me");
  });

  it("a store replaces a store, never a plain directory or a file", () => {
    const s = store();
    expect(tilecast("convert", SCENE, s, "-q").code).toBe(0);
    const plain = tmp("plain.zarr");
    mkdirSync(plain);
    writeFileSync(join(plain, "x"), "1");
    expect(tilecast("convert", SCENE, plain, "-q").stderr).toContain("is a directory that is not a Zarr store");
    const file = tmp("file.zarr");
    writeFileSync(file, "1");
    expect(tilecast("convert", SCENE, file, "-q").stderr).toContain("is a file, not a store");
    expect(readFileSync(file, "utf8")).toBe("1");
  });

  it("temporaries left by a dead process are removed by the next run; a live process's are kept", () => {
    const out = tmp("out.tif");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const stale = join(dirname(out), `.out.tif.tilecast-tmp-${dead.stdout}-0123abcd`);
    const live = join(dirname(out), `.out.tif.tilecast-tmp-${process.pid}-89abcdef`);
    writeFileSync(stale, "partial");
    writeFileSync(live, "in progress");
    expect(tilecast("convert", SCENE, out, "-q").code).toBe(0);
    expect(readdirSync(dirname(out)).sort()).toStrictEqual(
      ["out.tif", `.out.tif.tilecast-tmp-${process.pid}-89abcdef`].sort(),
    );
  });
});

describe("GeoTIFF", () => {
  it("an IFD chain that loops back is refused at once", () => {
    const p = tmp("loop.tif");
    const b = new Uint8Array(readFileSync("fixtures/geotiff/u8.none.strip.1b.tif"));
    const ifd = firstIfd(b);
    if (!ifd) throw new Error("fixture");
    put(b, ifd.nextAt, 4, ifd.offset, ifd.little);
    writeFileSync(p, b);
    const r = measured("inspect", p);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tilecast: ${p}: IFD 1 is the IFD at byte ${ifd.offset} again: the directory chain loops`);
    expect(r.seconds).toBeLessThan(10);
  });

  it("a value count that does not fit the file is refused before it is read", () => {
    const p = tmp("count.tif");
    const b = new Uint8Array(readFileSync("fixtures/geotiff/u16.deflate.pred2.tiled.3b.tif"));
    const ifd = firstIfd(b);
    const e = ifd?.entries.find((x) => x.tag === 34737); // GeoAsciiParams
    if (!ifd || !e) throw new Error("fixture");
    put(b, ifd.offset + 2 + ifd.entries.indexOf(e) * 12 + 4, 4, 0xfffffff0, ifd.little);
    writeFileSync(p, b);
    const r = measured("inspect", p);
    expect(r.stderr).toMatch(new RegExp(`^tilecast: ${p}: IFD 0: tag 34737 claims 4294967280 values`));
    expect(r.rssMB).toBeLessThan(300);
  });

  it.skipIf(!hasGdal).each(["DEFLATE", "LZW", "ZSTD", "LERC_ZSTD"])(
    "a %s tile that inflates far past its size stops at the block size",
    (c) => {
      const base = tmp("zeros.tif");
      spawnSync("gdal_create", [
        "-outsize",
        "4096",
        "4096",
        "-ot",
        "Byte",
        "-co",
        "TILED=YES",
        "-co",
        "BLOCKXSIZE=4096",
        "-co",
        "BLOCKYSIZE=4096",
        "-co",
        `COMPRESS=${c}`,
        base,
      ]);
      const b = new Uint8Array(readFileSync(base));
      const ifd = firstIfd(b);
      if (!ifd) throw new Error("gdal_create");
      for (const t of [256, 257, 322, 323]) {
        const e = ifd.entries.find((x) => x.tag === t);
        if (e) put(b, e.at, e.size, 16, ifd.little);
      }
      const bomb = tmp("bomb.tif");
      writeFileSync(bomb, b);
      expect(b.length).toBeLessThan(100_000); // 16 MB of pixels in a small file
      const r = measured("convert", bomb, tmp("out.tif"), "-q");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^tilecast: ${bomb}: corrupt tile \\(0, 0\\)`));
      // LERC's blob is small (one value): its header names the size it would decode to.
      expect(r.stderr).toMatch(
        c.startsWith("LERC")
          ? /LERC blob band 0 is 4096x4096, the block 16x16/
          : /decompresses to more than|decodes to more than/,
      );
      expect(r.rssMB).toBeLessThan(250);
    },
  );

  it("65535 samples per pixel, widths past 2^31 and a PlanarConfiguration of 129 are refused, as GDAL refuses them", () => {
    for (const [tag, value, want] of [
      [277, 65535, "invalid number of bands"],
      [256, 4294967295, "invalid dimensions"],
      [284, 129, "invalid PlanarConfiguration 129"],
    ] as const) {
      const p = tmp("lie.tif");
      const b = new Uint8Array(readFileSync("fixtures/geotiff/u8.none.strip.1b.tif"));
      const ifd = firstIfd(b);
      const e = ifd?.entries.find((x) => x.tag === tag);
      if (!ifd || !e) throw new Error("fixture");
      if (e.type === 3 && value > 65535) {
        // widen the entry to LONG so the value fits
        put(b, ifd.offset + 2 + ifd.entries.indexOf(e) * 12 + 2, 2, 4, ifd.little);
        put(b, e.at, 4, value, ifd.little);
      } else put(b, e.at, e.size, value, ifd.little);
      writeFileSync(p, b);
      const r = tilecast("inspect", p);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(want);
    }
  });
});

describe("Zarr", () => {
  const edit = (p: string, f: (m: Record<string, unknown>) => void) => {
    const m = json(p);
    f(m);
    writeFileSync(p, JSON.stringify(m));
  };

  it("a chunk holding 100x its values, an empty chunk and a dtype lie fail naming the chunk", () => {
    const s = store();
    const chunk = join(s, "band_data/0.0.0");
    const bytes = readFileSync(chunk);
    writeFileSync(chunk, Buffer.concat(Array(100).fill(bytes)));
    expect(tilecast("convert", s, tmp("o.tif"), "-q").stderr).toBe(
      `tilecast: ${s}: chunk band_data/0.0.0 decodes to 1638400 values; its shape [1, 128, 128] needs 16384 (the metadata's dtype or chunk shape does not match the stored data)\n`,
    );
    writeFileSync(chunk, "");
    expect(tilecast("convert", s, tmp("o.tif"), "-q").stderr).toContain("chunk band_data/0.0.0 decodes to 0 values");
    writeFileSync(chunk, bytes);
    rmSync(join(s, ".zmetadata"));
    edit(join(s, "band_data/.zarray"), (m) => {
      m.dtype = "<f8";
    });
    // Every chunk holds the lie; whichever is read first is named.
    expect(tilecast("convert", s, tmp("o.tif"), "-q").stderr).toMatch(
      /chunk band_data\/\d\.\d\.\d decodes to 4096 values; its shape \[1, 128, 128\] needs 16384/,
    );
  });

  // Each field that decides the values read: where the chunks are (a key's separator, whose
  // default is "."), how they decode, what a missing one holds. A bit flipped in one of them in
  // .zarray alone (npm run fuzz, seed 1205) had zarr-python read fill values where tilecast, from
  // the consolidated copy, read the chunks.
  it.each([
    ["chunks", (m: Record<string, unknown>) => (m.chunks = [1, 256, 64]), "[1,128,128] vs [1,256,64]"],
    ["dimension_separator", (m: Record<string, unknown>) => (m.dimension_separator = "/"), '"." vs "/"'],
    ["fill_value", (m: Record<string, unknown>) => (m.fill_value = 7), "vs 7"],
  ])(
    "consolidated metadata that disagrees with .zarray on %s is an error, not silently preferred",
    (field, f, values) => {
      const s = store("zlib");
      edit(join(s, "band_data/.zarray"), f);
      const r = tilecast("inspect", s);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`consolidated metadata disagrees with the array's own on ${field} (`);
      expect(r.stderr).toContain(`${values}); re-consolidate the store`);
    },
  );

  it("a v3 array whose own chunk_key_encoding is not the consolidated one's is an error", () => {
    const s = tmp("v3.zarr");
    expect(tilecast("convert", SCENE, s, "--zarr-format", "3", "--block", "128", "-q").code).toBe(0);
    edit(join(s, "band_data/zarr.json"), (m) => {
      m.chunk_key_encoding = { name: "v2" };
    });
    expect(tilecast("inspect", s).stderr).toContain(
      'on chunk_key_encoding (["default","/"] vs ["v2","."]); re-consolidate the store',
    );
  });

  it("a .zarray whose dimension_separator key is lost is read as '.', and disagrees with the consolidated '/'", () => {
    const s = store("zlib");
    for (const p of [join(s, "band_data/.zarray"), join(s, ".zmetadata")])
      edit(p, (m) => {
        const a = (
          p.endsWith(".zarray") ? m : (m.metadata as Record<string, Record<string, unknown>>)["band_data/.zarray"]
        ) as Record<string, unknown>;
        a.dimension_separator = "/";
      });
    const before = tilecast("inspect", s);
    expect(before.code).toBe(0); // "/" on both sides: they agree
    edit(join(s, "band_data/.zarray"), (m) => {
      m.dimensikn_separator = m.dimension_separator;
      delete m.dimension_separator;
    });
    expect(tilecast("inspect", s).stderr).toContain(`on dimension_separator ("/" vs "."); re-consolidate the store`);
  });

  it("a coordinate shorter than its dimension is an error, not a moved geotransform", () => {
    const s = store();
    rmSync(join(s, ".zmetadata"));
    edit(join(s, "x/.zarray"), (m) => {
      m.shape = [500]; // its one chunk still holds 512 values, of which 500 are read
    });
    expect(tilecast("convert", s, tmp("o.tif"), "-q").stderr).toBe(
      `tilecast: ${s}: coordinate 'x' has 500 values but its dimension has 512 positions\n`,
    );
  });

  it.each([
    ["no shape", (m: Record<string, unknown>) => delete m.shape, ".zarray has no 'shape'"],
    ["chunks of 0", (m: Record<string, unknown>) => (m.chunks = [1, 0, 0]), "chunk shape [1, 0, 0] has a size below 1"],
    [
      "negative shape",
      (m: Record<string, unknown>) => (m.shape = [4, -1, 512]),
      "is not a list of non-negative integers",
    ],
    ["an unknown dtype", (m: Record<string, unknown>) => (m.dtype = "<q9"), "band_data"],
    ["a wrong zarr_format", (m: Record<string, unknown>) => (m.zarr_format = 6), "zarr_format is 6, expected 2"],
  ])("metadata with %s: one line naming the store, exit 1", (_n, f, want) => {
    const s = store();
    rmSync(join(s, ".zmetadata"));
    edit(join(s, "band_data/.zarray"), f);
    const r = tilecast("inspect", s);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr.startsWith(`tilecast: ${s}: `)).toBe(true);
    expect(r.stderr).toContain(want);
    expect(r.stderr).not.toContain("internal error");
  });

  it("_ARRAY_DIMENSIONS of the wrong length is named", () => {
    const s = store();
    rmSync(join(s, ".zmetadata"));
    edit(join(s, "band_data/.zattrs"), (a) => {
      a._ARRAY_DIMENSIONS = ["y", "x"];
    });
    expect(tilecast("inspect", s).stderr).toContain(
      `array 'band_data': dimension names ["y","x"] do not name its 3 dimensions`,
    );
  });

  it("a shape of 10^12 x 10^12 fails fast under the memory budget", () => {
    const s = store();
    rmSync(join(s, ".zmetadata"));
    for (const [a, n] of [
      ["band_data", [4, 1e12, 1e12]],
      ["x", [1e12]],
      ["y", [1e12]],
    ] as const)
      edit(join(s, `${a}/.zarray`), (m) => {
        m.shape = n;
      });
    const r = measured("convert", s, tmp("o.tif"), "-q");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/would need 7\.3 TiB, over the memory budget/);
    expect(r.seconds).toBeLessThan(10);
  });

  it.each(["blosc-lz4", "lz4"])("a %s chunk declaring 2 GiB is refused before decoding", (c) => {
    const s = store(c);
    const chunk = join(s, "band_data/0.0.0");
    const b = new Uint8Array(readFileSync(chunk));
    put(b, c === "lz4" ? 0 : 4, 4, 2 ** 31, true);
    writeFileSync(chunk, b);
    const r = measured("convert", s, tmp("o.tif"), "-q");
    expect(r.stderr).toMatch(
      /corrupt chunk band_data\/0\.0\.0 .*declares 2147483648 decoded bytes, more than the chunk's/,
    );
    expect(r.rssMB).toBeLessThan(300);
  });
});

describe("pipelines and the command line", () => {
  it("tiling.size 1e9 is refused before any work, naming the pipeline", () => {
    const r = measured(
      "run",
      "pipelines/scene-ndvi.yaml",
      "--set",
      "tiling.size=1000000000",
      "--set",
      `output.path=${tmp("o.tif")}`,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^tilecast: pipelines\/scene-ndvi\.yaml: tiling: a tile of 1000000000 px .* over the memory budget/,
    );
    expect(r.seconds).toBeLessThan(10);
    // Refused before the backend loads: a native TensorFlow alone took this to 416 MB.
    expect(r.rssMB).toBeLessThan(250);
  });

  it("a YAML alias bomb is refused with the file's name", () => {
    const p = tmp("bomb.yaml");
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(",")}]`,
      );
    writeFileSync(p, `${levels.join("\n")}\n`);
    const r = measured("run", p);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^tilecast: ${p}: cannot expand the YAML \\(.*alias`, "i"));
    expect(r.seconds).toBeLessThan(10);
  });

  it("--output-root refuses outputs that escape it, through .. or a symlink", () => {
    const root = dirname(tmp("x"));
    mkdirSync(join(root, "inner"));
    const r = tilecast(
      "run",
      "pipelines/scene-ndvi.yaml",
      "--output-root",
      join(root, "inner"),
      "--set",
      `output.path=${root}/inner/../escaped.tif`,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `tilecast: pipelines/scene-ndvi.yaml: output.path ${root}/inner/../escaped.tif is outside the output root ${root}/inner (it resolves to ${root}/escaped.tif)\n`,
    );
    expect(existsSync(join(root, "escaped.tif"))).toBe(false);
  });

  it("inspect --json piped into a reader that closes early exits quietly", () => {
    const r = spawnSync(
      "bash",
      ["-c", `node bin/tilecast.js inspect --json ${SCENE} | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("0");
  });

  it("huge, negative and mistyped numbers in pipelines are validation errors", () => {
    for (const [set, want] of [
      ["tiling.size=-1", "tiling.size"],
      ["tiling.overlap=1e400", "tiling.overlap"],
      ["batch=abc", "batch"],
      ["tiling.concurrency=0", "tiling.concurrency"],
    ]) {
      const r = tilecast("run", "pipelines/scene-ndvi.yaml", "--set", set as string);
      expect(r.code, set).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^tilecast: pipelines/scene-ndvi\\.yaml: line \\d+: ${want}: `));
    }
  });
});

it("fixture sanity: the store helper writes a v2 store", () => {
  const s = store();
  expect(existsSync(join(s, "band_data/.zarray"))).toBe(true);
  cpSync(s, `${s}.copy`, { recursive: true });
});
