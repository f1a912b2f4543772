/**
 * Seeded mutations of Zarr v3 stores (`zarr.json`, sharded or not): lies in the array's document
 * (data type, shape, chunk grid, inner chunks, fill value, the index's checksum codec) and shard
 * indexes rewritten (offsets and lengths past the end, pointing at another chunk, the missing
 * marker), with the index's CRC-32C made to agree or left stale. Chunk bytes themselves are
 * mutated by the Zarr families of `mutate.ts`, which walk nested chunk keys.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { crc32c } from "../../src/io/zarr/crc32c.js";

type Doc = Record<string, unknown> & {
  shape: number[];
  chunk_grid: { configuration: { chunk_shape: number[] } };
  codecs: { name: string; configuration?: Record<string, unknown> }[];
};

const int = (r: () => number, n: number) => Math.floor(r() * n);
const pick = <T>(r: () => number, xs: readonly T[]) => xs[int(r, xs.length)] as T;

/** Whether `variable` of `store` is a Zarr v3 array. */
export const isV3 = (store: string, variable: string) => existsSync(join(store, variable, "zarr.json"));

/** Rewrite the array's document, and drop the root's consolidated copy so the edit is what is read. */
function editDoc(store: string, variable: string, f: (m: Doc) => void): boolean {
  const p = join(store, variable, "zarr.json");
  const m = JSON.parse(readFileSync(p, "utf8")) as Doc;
  f(m);
  writeFileSync(p, JSON.stringify(m));
  const root = join(store, "zarr.json");
  const r = JSON.parse(readFileSync(root, "utf8")) as Record<string, unknown>;
  delete r.consolidated_metadata;
  writeFileSync(root, JSON.stringify(r));
  return true;
}

/** The chunk (shard) files of a v3 array, under `c/`. */
function shardFiles(store: string, variable: string): string[] {
  const dir = join(store, variable);
  return readdirSync(join(dir, "c"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

export const v3Mutations: Record<string, (store: string, variable: string, r: () => number) => boolean> = {
  "v3-doc-lie": (s, v, r) =>
    editDoc(s, v, (m) => {
      const lie = pick(r, ["data_type", "shape", "grid", "inner", "fill", "checksum"]);
      if (lie === "data_type")
        m.data_type = pick(r, ["uint8", "int32", "float64", "float32", "bool", "complex64", "x"]);
      if (lie === "shape") m.shape = m.shape.map((n) => pick(r, [n, n + 5, n * 1000, 0, -1, 1e12]));
      if (lie === "grid")
        m.chunk_grid.configuration.chunk_shape = m.chunk_grid.configuration.chunk_shape.map((n) =>
          pick(r, [n, n * 2, Math.max(1, n >> 1), n + 3, 0]),
        );
      if (lie === "fill") m.fill_value = pick(r, ["NaN", 1e10, -1, null, "abc", 3.5, "Infinity"]);
      const sharding = m.codecs.find((c) => c.name === "sharding_indexed")?.configuration;
      if (lie === "inner" && sharding)
        sharding.chunk_shape = (sharding.chunk_shape as number[]).map((n) => pick(r, [n, n * 2, n + 1, 1]));
      if (lie === "checksum" && sharding)
        sharding.index_codecs = [{ name: "bytes", configuration: { endian: "little" } }];
    }),
  "shard-index": (s, v, r) => {
    const doc = JSON.parse(readFileSync(join(s, v, "zarr.json"), "utf8")) as Doc;
    const sharding = doc.codecs.find((c) => c.name === "sharding_indexed")?.configuration;
    const files = shardFiles(s, v);
    if (!sharding || files.length === 0) return false;
    const inner = sharding.chunk_shape as number[];
    const n = doc.chunk_grid.configuration.chunk_shape.reduce((a, d, i) => a * (d / (inner[i] as number)), 1);
    const p = join(s, v, pick(r, files));
    const b = readFileSync(p);
    const index = b.length - 4 - 16 * n;
    if (index < 0) return false;
    for (let k = 0; k < 1 + int(r, 3); k++) {
      const at = index + 16 * int(r, n);
      const lie = pick(r, ["offset", "length", "other", "missing", "half-missing"]);
      if (lie === "offset") b.writeBigUInt64LE(BigInt(pick(r, [b.length, b.length - 3, 2 ** 40, 1, 0])), at);
      if (lie === "length") b.writeBigUInt64LE(BigInt(pick(r, [0, 1, 2 ** 33, b.length])), at + 8);
      if (lie === "other") b.copy(b, at, index + 16 * int(r, n), index + 16 * int(r, n) + 16);
      if (lie === "missing" || lie === "half-missing") b.writeBigUInt64LE(2n ** 64n - 1n, at);
      if (lie === "missing") b.writeBigUInt64LE(2n ** 64n - 1n, at + 8);
    }
    if (r() < 0.7) b.writeUInt32LE(crc32c(b.subarray(index, index + 16 * n)), b.length - 4); // the checksum agrees
    writeFileSync(p, b);
    return true;
  },
};
