import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync, gunzipSync, inflateSync } from "node:zlib";
import Blosc from "numcodecs/blosc";
import { afterAll, describe, expect, it } from "vitest";
import { type CodecJob, type TiffBlockJob, withDecodeTarget, type ZarrChunkJob } from "../../src/io/codec-jobs.js";
import { decodeBlockJob } from "../../src/io/geotiff/block-job.js";
import type { BlockCodec } from "../../src/io/geotiff/decode.js";
import { decodeChunkJob } from "../../src/io/zarr/chunk-decode.js";

/** Chunks zarr-python wrote: Blosc-LZ4 with byte shuffle (compressed), Blosc stored (memcpyed), raw. */
const LZ4 = "fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr/t2m/0.0.0";
const STORED = "fixtures/zarr/codecs.5x7.chunks2x3.zarr/blosc_lz4_shuffle/0.0";
const RAW = "fixtures/zarr/codecs.5x7.chunks2x3.zarr/none/0.0";
const ZLIB = "fixtures/zarr/codecs.5x7.chunks2x3.zarr/zlib/0.0";
const GZIP = "fixtures/zarr/codecs.5x7.chunks2x3.zarr/gzip/0.0";

const zarrJob = (o: Partial<ZarrChunkJob>): CodecJob => ({
  kind: "zarr",
  file: LZ4,
  codec: "blosc",
  bytes: 360,
  id: 1,
  ...o,
});

/** What numcodecs.js decodes the chunk to: the reference, from a decoder that is not tilecast's. */
const reference = async (file: string): Promise<Uint8Array> =>
  new Uint8Array(await Blosc.fromConfig({ id: "blosc" }).decode(readFileSync(file)));

/** Uncompressed blocks of uint16, 2 pixels wide. */
const CODEC: BlockCodec = { compression: 1, predictor: 1, bytes: 2, spp: 1, width: 2, littleEndian: true };
/** The same, in Deflate with the horizontal predictor. */
const DEFLATE: BlockCodec = { ...CODEC, compression: 8, predictor: 2 };

/** A job of `n` blocks of 2 x 2 uint16 (8 bytes each). */
const tiffJob = (n: number, codec = CODEC): CodecJob => ({
  kind: "tiff",
  fd: 0,
  codec,
  blocks: Array.from({ length: n }, (_, i) => ({ offset: i * 8, length: 8, rows: 2, where: `block ${i}` })),
  bytes: 8 * n,
  id: 2,
});

describe("withDecodeTarget", () => {
  it("gives a buffer of the job's size to jobs whose worker writes into a buffer it chooses", () => {
    const cases: [CodecJob, number][] = [
      [zarrJob({}), 360],
      [zarrJob({ codec: "none", bytes: 24 }), 24],
      [zarrJob({ codec: "zlib", bytes: 24 }), 24],
      [zarrJob({ codec: "gzip", bytes: 24 }), 24],
      [tiffJob(1, DEFLATE), 8],
      [tiffJob(2), 16],
    ];
    for (const [job, size] of cases) {
      const { job: sent, into } = withDecodeTarget(job);
      expect(into?.byteLength).toBe(size);
      expect((sent as { into?: ArrayBuffer }).into).toBe(into);
    }
  });

  it("gives none where the decoder allocates its own output, the chunk decodes in parts, or there is nothing", () => {
    for (const job of [
      zarrJob({ codec: "zstd" }),
      zarrJob({ codec: "zlib", part: { index: 0, count: 1 } }),
      zarrJob({ part: { index: 0, count: 2 } }),
      zarrJob({ part: { index: 1, count: 2 } }),
      zarrJob({ bytes: 0 }),
      zarrJob({ bytes: 2 ** 40 }),
      tiffJob(1),
      tiffJob(1, { ...DEFLATE, stored: { kind: "uint", bits: 12 } }),
      { kind: "encode", codec: "deflate", input: new Uint8Array(8), level: 6, id: 3 } as CodecJob,
    ]) {
      const { job: sent, into } = withDecodeTarget(job);
      expect(into).toBeNull();
      expect(sent).toBe(job);
    }
  });
});

describe("decoding into the caller's buffer", () => {
  it("decodes a compressed Blosc-LZ4 chunk into it, to numcodecs.js's bytes", async () => {
    const into = new ArrayBuffer(360);
    const got = (await decodeChunkJob({ kind: "zarr", file: LZ4, codec: "blosc", bytes: 360, into })) as Uint8Array;
    expect(got.buffer).toBe(into);
    expect(got.length).toBe(360);
    expect(Array.from(got)).toEqual(Array.from(await reference(LZ4)));
  });

  it("copies a Blosc chunk stored uncompressed into it", async () => {
    const into = new ArrayBuffer(24);
    const got = (await decodeChunkJob({ kind: "zarr", file: STORED, codec: "blosc", bytes: 24, into })) as Uint8Array;
    expect(got.buffer).toBe(into);
    expect(Array.from(got)).toEqual(Array.from(await reference(STORED)));
  });

  it("copies a raw chunk into it, out of the worker's scratch buffer", async () => {
    const into = new ArrayBuffer(24);
    const got = (await decodeChunkJob({ kind: "zarr", file: RAW, codec: "none", bytes: 24, into })) as Uint8Array;
    expect(got.buffer).toBe(into);
    expect(Array.from(got)).toEqual(Array.from(readFileSync(RAW)));
  });

  it("decodes part 0 of a chunk in parts into one, at the chunk's size, where a caller gives it", async () => {
    const into = new ArrayBuffer(360);
    const job = { kind: "zarr", file: LZ4, codec: "blosc", bytes: 360, into, part: { index: 0, count: 1 } } as const;
    const got = await decodeChunkJob(job);
    expect(got && "range" in got && got.bytes.buffer).toBe(into);
  });

  it("inflates a zlib or gzip chunk into it, to node:zlib's bytes", async () => {
    for (const [file, codec, reference] of [
      [ZLIB, "zlib", inflateSync],
      [GZIP, "gzip", gunzipSync],
    ] as const) {
      const into = new ArrayBuffer(24);
      const got = (await decodeChunkJob({ kind: "zarr", file, codec, bytes: 24, into })) as Uint8Array;
      expect(got.buffer).toBe(into);
      expect(Array.from(got)).toEqual(Array.from(reference(readFileSync(file))));
    }
  });

  it("leaves a buffer of another size alone and answers with one of its own", async () => {
    const into = new ArrayBuffer(359);
    const got = (await decodeChunkJob({ kind: "zarr", file: LZ4, codec: "blosc", bytes: 360, into })) as Uint8Array;
    expect(got.buffer).not.toBe(into);
    expect(new Uint8Array(into).every((b) => b === 0)).toBe(true);
    expect(Array.from(got)).toEqual(Array.from(await reference(LZ4)));
  });
});

describe("a TIFF job's blocks decoded into the caller's buffer", () => {
  const dir = mkdtempSync(join(tmpdir(), "tilecast-into-"));
  // Two uncompressed blocks of 2 x 2 uint16 (8 bytes each), 4 bytes apart in the file.
  const file = join(dir, "blocks.bin");
  const bytes = Uint8Array.from({ length: 20 }, (_, i) => i * 3 + 1);
  writeFileSync(file, bytes);
  const fd = openSync(file, "r");
  afterAll(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });
  const job = (into: ArrayBuffer, total = 16): TiffBlockJob => ({
    kind: "tiff",
    fd,
    codec: CODEC,
    blocks: [
      { offset: 0, length: 8, rows: 2, where: "block 0" },
      { offset: 12, length: 8, rows: 2, where: "block 1" },
    ],
    bytes: total,
    into,
  });

  it("writes every block into it, in order", async () => {
    const into = new ArrayBuffer(16);
    const got = await decodeBlockJob(job(into));
    expect(got.buffer).toBe(into);
    expect(Array.from(got)).toEqual([...bytes.subarray(0, 8), ...bytes.subarray(12, 20)]);
  });

  it("refuses to answer with bytes of it the blocks left unwritten", async () => {
    await expect(decodeBlockJob(job(new ArrayBuffer(20), 20))).rejects.toThrow(
      "the job's blocks decode to 16 bytes, not 20",
    );
  });
});

describe("a TIFF job's Deflate blocks inflated into the caller's buffer", () => {
  const dir = mkdtempSync(join(tmpdir(), "tilecast-inflate-"));
  // Two Deflate blocks of 2 x 2 uint16 with the horizontal predictor, then a corrupt one.
  const values = [
    [1000, 1003, 2000, 1990],
    [7, 65535, 0, 12],
  ];
  const predicted = values.map(([a, b, c, d]) =>
    deflateSync(new Uint8Array(Uint16Array.from([a, b - a, c, d - c].map((v) => v & 0xffff)).buffer)),
  );
  const corrupt = Uint8Array.from(predicted[0] as Uint8Array);
  corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] as number) ^ 0xff; // the checksum
  const file = join(dir, "deflate.bin");
  writeFileSync(file, Buffer.concat([...predicted, corrupt]));
  const fd = openSync(file, "r");
  const lengths = [...predicted, corrupt].map((b) => b.length);
  const ref = (i: number) => ({
    offset: lengths.slice(0, i).reduce((a, b) => a + b, 0),
    length: lengths[i] as number,
    rows: 2,
    where: `tile (${i}, 0)`,
  });
  const job = (blocks: number[], into?: ArrayBuffer): TiffBlockJob => ({
    kind: "tiff",
    fd,
    codec: DEFLATE,
    blocks: blocks.map(ref),
    bytes: 8 * blocks.length,
    ...(into ? { into } : {}),
  });
  afterAll(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  it("inflates each block in its place and undoes the predictor there", async () => {
    const into = new ArrayBuffer(16);
    const got = await decodeBlockJob(job([0, 1], into));
    expect(got.buffer).toBe(into);
    expect(Array.from(new Uint16Array(into))).toEqual(values.flat());
  });

  it("inflates a job of one block into it", async () => {
    const into = new ArrayBuffer(8);
    const got = await decodeBlockJob(job([1], into));
    expect(got.buffer).toBe(into);
    expect(Array.from(new Uint16Array(into))).toEqual(values[1]);
  });

  it("copies a block whose place is not 8-byte aligned from where the predictor undid it", async () => {
    // Three blocks of 3 uint8 samples (3 bytes each): the second and third start at bytes 3 and 6.
    const rows = [
      [5, 9, 200],
      [0, 255, 1],
      [7, 7, 7],
    ];
    const f = join(dir, "odd.bin");
    const streams = rows.map(([a, b, c]) => deflateSync(Uint8Array.of(a, (b - a) & 255, (c - b) & 255)));
    writeFileSync(f, Buffer.concat(streams));
    const ofd = openSync(f, "r");
    try {
      const into = new ArrayBuffer(9);
      const got = await decodeBlockJob({
        kind: "tiff",
        fd: ofd,
        codec: { ...DEFLATE, bytes: 1, width: 3 },
        blocks: streams.map((z, i) => ({
          offset: streams.slice(0, i).reduce((n, b) => n + b.length, 0),
          length: z.length,
          rows: 1,
          where: `strip ${i}`,
        })),
        bytes: 9,
        into,
      });
      expect(got.buffer).toBe(into);
      expect(Array.from(got)).toEqual(rows.flat());
    } finally {
      closeSync(ofd);
    }
  });

  it("reports a corrupt block as the reader always has, naming it", async () => {
    await expect(decodeBlockJob(job([0, 2], new ArrayBuffer(16)))).rejects.toThrow(
      "corrupt tile (2, 0) (incorrect data check)",
    );
    // and the next job inflates as before
    expect(Array.from(new Uint16Array((await decodeBlockJob(job([0], new ArrayBuffer(8)))).buffer))).toEqual(values[0]);
  });
});
