/**
 * Zarr v3 sharding (`sharding_indexed`): a store written by tensorstore reads with the known
 * pattern (missing shards and inner chunks as fill); tilecast's sharded stores read back equal to
 * their input, hold one file per shard with the index (and its CRC-32C) that the spec describes,
 * and read in tensorstore when it is installed.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectPath, openSource } from "../../../src/io/registry.js";
import { crc32c } from "../../../src/io/zarr/crc32c.js";
import { openZarrRegionSink } from "../../../src/io/zarr/region.js";
import { convertRaster } from "../../../src/pipeline/convert.js";
import { PYTHON } from "../../helpers/gdal.js";
import { tmp } from "../../helpers/write.js";
import { zfixture, zpattern } from "../../helpers/zarr-pattern.js";

const SHARDED = zfixture("t2m.f32.zstd.sharded64.inner16.v3.zarr");
const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";

/**
 * A Python with tensorstore (pip install tensorstore ml_dtypes; it needs a newer numpy than
 * Debian's python3-gdal has, so it usually lives in its own environment). Optional, not in CI.
 */
const TS_PYTHON = process.env.TILECAST_TENSORSTORE_PYTHON ?? PYTHON;
const hasTensorstore = spawnSync(TS_PYTHON, ["-c", "import tensorstore"]).status === 0;

describe("Zarr v3 sharding", () => {
  it("reads tensorstore's shards: every value, missing shards and inner chunks as NaN fill", async () => {
    const { text } = await inspectPath(SHARDED);
    expect(text).toContain(
      "t2m          (time, y, x) 3 x 100 x 130 float32, chunks 1 x 16 x 16 in shards of 1 x 64 x 64, K",
    );
    for (const t of [0, 2]) {
      const src = await openSource(SHARDED, { variable: "t2m", index: { time: t } });
      expect(src.meta).toMatchObject({ width: 130, height: 100, blockWidth: 16, blockHeight: 16, dtype: "float32" });
      const g = await src.readWindow({ x: 0, y: 0, width: 130, height: 100 });
      for (let y = 0; y < 100; y++)
        for (let x = 0; x < 130; x++) {
          const v = g.data[y * 130 + x] as number;
          const gone = (t === 0 && y >= 16 && y < 32 && x >= 32 && x < 48) || (t === 2 && y >= 64 && x >= 64);
          if (gone) expect(v).toBeNaN();
          else expect(v).toBe(Math.fround(zpattern([t, y, x])));
        }
      await src.close();
    }
  });

  it("writes shards that read back equal, one file per shard, indexed at the end with a CRC-32C", async () => {
    const out = tmp("scene.zarr");
    await convertRaster(SCENE, out, { outputTileSize: 64, write: { zarrFormat: 3, shardSize: 192 } });
    const doc = JSON.parse(readFileSync(join(out, "band_data/zarr.json"), "utf8"));
    expect(doc.chunk_grid.configuration.chunk_shape).toStrictEqual([1, 192, 192]);
    expect(doc.codecs[0].name).toBe("sharding_indexed");
    expect(doc.codecs[0].configuration.chunk_shape).toStrictEqual([1, 64, 64]);
    // 512 / 192 -> 3 x 3 shards per band (the last row and column partial), 4 bands.
    const files = readdirSync(join(out, "band_data/c"), { recursive: true }).filter(
      (f) => String(f).split("/").length === 3,
    );
    expect(files).toHaveLength(4 * 3 * 3);
    // An edge shard holds 2 x 2 of its 3 x 3 inner chunks; the rest are marked empty.
    const shard = readFileSync(join(out, "band_data/c/1/2/2"));
    const index = shard.subarray(shard.length - 9 * 16 - 4, shard.length - 4);
    expect(shard.readUInt32LE(shard.length - 4)).toBe(crc32c(index));
    const empty = [...Array(9).keys()].filter((i) => index.readBigUInt64LE(i * 16) === 0xffffffffffffffffn);
    expect(empty).toStrictEqual([2, 5, 6, 7, 8]);
    const a = await openSource(SCENE);
    const b = await openSource(out);
    const w = { x: 0, y: 0, width: 512, height: 512 };
    expect(Array.from((await b.readWindow(w)).data)).toStrictEqual(Array.from((await a.readWindow(w)).data));
    await a.close();
    await b.close();
  });

  it("refuses shards on v2, shards that are not whole chunks, region writes, and an unknown index location", async () => {
    await expect(convertRaster(SCENE, tmp("a.zarr"), { write: { shardSize: 512 } })).rejects.toThrow(
      /a\.zarr: shards are a Zarr v3 feature; add zarrFormat: 3/,
    );
    await expect(
      convertRaster(SCENE, tmp("b.zarr"), { outputTileSize: 64, write: { zarrFormat: 3, shardSize: 100 } }),
    ).rejects.toThrow(/b\.zarr: shard size 100 must be a positive multiple of the chunk size 64/);
    const copy = tmp("copy.zarr");
    cpSync(SHARDED, copy, { recursive: true });
    await expect(openZarrRegionSink(copy, "t2m")).rejects.toThrow(
      /t2m' is sharded; region writes need one writer per shard/,
    );
    const meta = join(copy, "t2m/zarr.json");
    const doc = JSON.parse(readFileSync(meta, "utf8"));
    doc.codecs[0].configuration.index_location = "middle";
    writeFileSync(meta, JSON.stringify(doc));
    await expect(openSource(copy, { variable: "t2m", index: { time: 0 } })).rejects.toThrow(
      /copy\.zarr: array 't2m' has shard index_location "middle" \(start or end\)/,
    );
  });

  it("reads shards indexed at the start (index_location: start) as the same shards indexed at the end", async () => {
    // The fixture's shards with their index (16 inner chunks: 256 bytes and a CRC-32C) moved to
    // the front and its offsets moved by as much, as zarr-python and tensorstore write them.
    const copy = tmp("start.zarr");
    cpSync(SHARDED, copy, { recursive: true });
    const meta = join(copy, "t2m/zarr.json");
    const doc = JSON.parse(readFileSync(meta, "utf8"));
    doc.codecs[0].configuration.index_location = "start";
    writeFileSync(meta, JSON.stringify(doc));
    const shards = readdirSync(join(copy, "t2m/c"), { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(shards.length).toBeGreaterThan(10);
    for (const f of shards) {
      const path = join(f.parentPath, f.name);
      const b = readFileSync(path);
      const index = new DataView(b.buffer.slice(b.byteOffset + b.length - 260, b.byteOffset + b.length - 4));
      for (let i = 0; i < 32; i += 2) {
        const offset = index.getBigUint64(i * 8, true);
        if (offset !== 2n ** 64n - 1n) index.setBigUint64(i * 8, offset + 260n, true);
      }
      const head = new Uint8Array(260);
      head.set(new Uint8Array(index.buffer));
      new DataView(head.buffer).setUint32(256, crc32c(head.subarray(0, 256)), true);
      writeFileSync(path, Buffer.concat([head, b.subarray(0, b.length - 260)]));
    }
    for (const t of [0, 1, 2]) {
      const [a, b] = [SHARDED, copy].map((p) => openSource(p, { variable: "t2m", index: { time: t } }));
      const whole = { x: 0, y: 0, width: 130, height: 100 };
      const [ga, gb] = await Promise.all([(await a).readWindow(whole), (await b).readWindow(whole)]);
      expect(Array.from(gb.data)).toStrictEqual(Array.from(ga.data));
      for (const s of [a, b]) await (await s).close();
    }
  });

  it("CRC-32C matches the check value of the standard (RFC 3720)", () => {
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });

  it.skipIf(!hasTensorstore)("tensorstore reads tilecast's shards equal to the input", async () => {
    const out = tmp("ts.zarr");
    await convertRaster(SCENE, out, {
      outputTileSize: 64,
      write: { zarrFormat: 3, shardSize: 192, compressor: "zstd" },
    });
    const src = await openSource(SCENE);
    const raw = `${out}.u16`;
    writeFileSync(raw, (await src.readWindow({ x: 0, y: 0, width: 512, height: 512 })).data as Uint16Array);
    await src.close();
    const r = spawnSync(
      TS_PYTHON,
      [
        "-c",
        `import tensorstore as ts, numpy as np, json
t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": "${out}/band_data"}}).result()
a = np.fromfile("${raw}", dtype="<u2").reshape(4, 512, 512)
print(json.dumps(bool(np.array_equal(t.read().result(), a))))`,
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toBe(true);
  });
});

describe("hostile shards: a changed index, a range past the end, inner chunks that do not tile", () => {
  /** tilecast's sharded copy of the scene (4 x 4 inner chunks of 64 px per 256 px shard), and a shard's path. */
  async function sharded(name: string): Promise<{ out: string; shard: string }> {
    const out = tmp(name);
    await convertRaster(SCENE, out, { outputTileSize: 64, write: { zarrFormat: 3, shardSize: 256 } });
    return { out, shard: join(out, "band_data/c/1/0/1") };
  }
  const read = async (out: string) => {
    const src = await openSource(out, { variable: "band_data" });
    try {
      return await src.readWindow({ x: 0, y: 0, width: 512, height: 512 });
    } finally {
      await src.close();
    }
  };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => new Error("read"),
      (e: Error) => e,
    );

  it("an index entry pointed at another chunk's bytes, its CRC-32C left as it was, is refused (it read as that chunk)", async () => {
    const { out, shard } = await sharded("stale-crc.zarr");
    const b = readFileSync(shard);
    const index = b.length - 4 - 16 * 16;
    b.copy(b, index + 5 * 16, index, index + 16); // inner chunk 5 -> chunk 0's bytes
    writeFileSync(shard, b);
    const e = await failure(read(out));
    expect(e.message).toMatch(
      /corrupt chunk band_data\/c\/1\/[\d/]+ \(.*crc32c checksum [0-9a-f]{8} does not match the bytes' [0-9a-f]{8}\)$/,
    );
    // With the checksum made to agree, the same index reads as chunk 0's values: only the CRC could tell.
    b.writeUInt32LE(crc32c(b.subarray(index, index + 256)), b.length - 4);
    writeFileSync(shard, b);
    const g = await read(out);
    const at = (row: number, col: number) => g.data[512 * 512 + row * 512 + col]; // band 1
    // Inner chunk 5 (row 1, column 1 of the shard at x 256) holds chunk 0's values.
    for (const [r, c] of [
      [0, 0],
      [17, 40],
      [63, 63],
    ])
      expect(at(64 + r, 256 + 64 + c)).toBe(at(r, 256 + c));
    expect(at(64, 320)).not.toBe(at(64, 256 + 128 + 64)); // and the pixels differ elsewhere
  });

  it("an index entry past the shard's end is refused before anything is allocated for it", async () => {
    const { out, shard } = await sharded("past-end.zarr");
    const b = readFileSync(shard);
    const index = b.length - 4 - 16 * 16;
    b.writeBigUInt64LE(2n ** 40n, index + 3 * 16 + 8); // inner chunk 3: a terabyte long
    b.writeUInt32LE(crc32c(b.subarray(index, index + 256)), b.length - 4);
    writeFileSync(shard, b);
    const e = await failure(read(out));
    expect(e.message).toMatch(new RegExp(`bytes \\d+ to \\d+ lie past the end of the ${b.length}-byte file\\)$`));
  });

  it("inner chunks that do not divide the shard are refused by name when the store opens", async () => {
    const { out } = await sharded("inner-lie.zarr");
    const doc = join(out, "band_data/zarr.json");
    const meta = JSON.parse(readFileSync(doc, "utf8"));
    meta.codecs[0].configuration.chunk_shape = [1, 100, 64];
    writeFileSync(doc, JSON.stringify(meta));
    const root = JSON.parse(readFileSync(join(out, "zarr.json"), "utf8"));
    delete root.consolidated_metadata;
    writeFileSync(join(out, "zarr.json"), JSON.stringify(root));
    const e = await failure(openSource(out, { variable: "band_data" }));
    expect(e.message).toContain(
      "array 'band_data' has inner chunks of [1, 100, 64] that do not divide its shards of [1, 256, 256]",
    );
  });
});
