/**
 * Seeded mutations of GeoTIFF files and Zarr stores: bit flips in headers and IFDs, truncations,
 * offsets and counts past the end, IFD loops, size and dtype lies, decompression bombs and
 * metadata disagreements. Each case is written to its own path under `out`; the same seed makes
 * the same cases.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isV3, v3Mutations } from "./mutate-v3.js";
import { firstIfd, put } from "./tiff.js";

/** One fuzz case. */
export interface Case {
  id: string;
  family: string;
  kind: "tiff" | "zarr";
  path: string;
  /** The variable to read (Zarr). */
  variable?: string;
}

/** mulberry32: small, seeded, good enough to choose mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: () => number, n: number) => Math.floor(r() * n);
const pick = <T>(r: () => number, xs: readonly T[]) => xs[int(r, xs.length)] as T;

const TAGS = {
  width: 256,
  height: 257,
  bits: 258,
  compression: 259,
  spp: 277,
  rps: 278,
  format: 339,
  tw: 322,
  th: 323,
};
const OFFSETS = [273, 324];
const COUNTS = [279, 325];
const HUGE = [0, 1, 0xffff, 0x7fffffff, 0xffffffff, 65535, 1e9];

type TiffMutation = (b: Uint8Array, r: () => number) => Uint8Array | null;

const tiffMutations: Record<string, TiffMutation> = {
  "bitflip-header": (b, r) => {
    const c = b.slice();
    for (let k = 0; k < 1 + int(r, 4); k++) c[int(r, Math.min(16, c.length))] ^= 1 << int(r, 8);
    return c;
  },
  "bitflip-ifd": (b, r) => {
    const ifd = firstIfd(b);
    if (!ifd) return null;
    const c = b.slice();
    for (let k = 0; k < 1 + int(r, 8); k++) {
      const at = ifd.offset + int(r, ifd.nextAt + 4 - ifd.offset);
      if (at < c.length) c[at] ^= 1 << int(r, 8);
    }
    return c;
  },
  truncate: (b, r) => b.slice(0, int(r, b.length)),
  "offset-past-end": (b, r) => {
    const ifd = firstIfd(b);
    const e = ifd?.entries.find((x) => OFFSETS.includes(x.tag));
    if (!ifd || !e) return null;
    const c = b.slice();
    put(c, e.at + int(r, e.count) * e.size, e.size, b.length + int(r, 1e6), ifd.little);
    return c;
  },
  "count-huge": (b, r) => {
    const ifd = firstIfd(b);
    const e = ifd?.entries.find((x) => COUNTS.includes(x.tag));
    if (!ifd || !e) return null;
    const c = b.slice();
    put(c, e.at + int(r, e.count) * e.size, e.size, pick(r, HUGE), ifd.little);
    return c;
  },
  "ifd-loop": (b) => {
    const ifd = firstIfd(b);
    if (!ifd) return null;
    const c = b.slice();
    put(c, ifd.nextAt, ifd.big ? 8 : 4, ifd.offset, ifd.little);
    return c;
  },
  "size-lie": (b, r) => {
    const ifd = firstIfd(b);
    const tag = pick(r, [TAGS.width, TAGS.height, TAGS.spp, TAGS.tw, TAGS.th, TAGS.rps]);
    const e = ifd?.entries.find((x) => x.tag === tag);
    if (!ifd || !e) return null;
    const c = b.slice();
    put(c, e.at, e.size, pick(r, [...HUGE, 3, 17, 4096]), ifd.little);
    return c;
  },
  "dtype-lie": (b, r) => {
    const ifd = firstIfd(b);
    const e = ifd?.entries.find((x) => x.tag === pick(r, [TAGS.bits, TAGS.format, TAGS.compression]));
    if (!ifd || !e) return null;
    const c = b.slice();
    for (let k = 0; k < e.count; k++)
      put(c, e.at + k * e.size, e.size, pick(r, [1, 2, 3, 7, 8, 12, 16, 24, 32, 64, 5, 6, 99]), ifd.little);
    return c;
  },
  /** Shrink the declared image and tile to 16x16: the block's stream now inflates far past 256 bytes. */
  bomb: (b) => {
    const ifd = firstIfd(b);
    if (!ifd) return null;
    const c = b.slice();
    for (const t of [TAGS.width, TAGS.height, TAGS.tw, TAGS.th, TAGS.rps]) {
      const e = ifd.entries.find((x) => x.tag === t);
      if (e) put(c, e.at, e.size, 16, ifd.little);
    }
    return c;
  },
};

/** Blosc/LZ4/zlib chunk mutations and metadata lies on a copy of a Zarr store. */
const zarrMutations: Record<string, (store: string, variable: string, r: () => number) => boolean> = {
  "chunk-random": (s, v, r) => editChunk(s, v, r, (b) => Uint8Array.from({ length: b.length }, () => int(r, 256))),
  "chunk-empty": (s, v, r) => editChunk(s, v, r, () => new Uint8Array(0)),
  "chunk-truncated": (s, v, r) => editChunk(s, v, r, (b) => b.slice(0, int(r, b.length))),
  "chunk-oversized": (s, v, r) =>
    editChunk(s, v, r, (b) => Uint8Array.from({ length: b.length * 100 }, (_, i) => b[i % b.length] as number)),
  "chunk-bitflip": (s, v, r) =>
    editChunk(s, v, r, (b) => {
      const c = b.slice();
      for (let k = 0; k < 1 + int(r, 6); k++) if (c.length) c[int(r, c.length)] ^= 1 << int(r, 8);
      return c;
    }),
  "chunk-bomb-header": (s, v, r) =>
    editChunk(s, v, r, (b) => {
      const c = b.slice();
      put(c, int(r, 2) === 0 ? 4 : 0, 4, 2 ** 31, true);
      return c;
    }),
  "dtype-lie": (s, v, r) =>
    editMeta(s, v, (m) => ({ ...m, dtype: pick(r, ["<f4", "<f8", "<u1", "<i8", ">u2", "|b1", "<c8", "nonsense"]) })),
  "chunks-lie": (s, v, r) =>
    editMeta(s, v, (m) => ({
      ...m,
      chunks: (m.chunks as number[]).map((c) => pick(r, [0, -1, c * 2, Math.max(1, c >> 1), c, c + 3])),
    })),
  "shape-lie": (s, v, r) =>
    editMeta(s, v, (m) => ({
      ...m,
      shape: (m.shape as number[]).map((n) => pick(r, [n, n + 7, n * 1000, -3, 0, 1e12, 200000])),
    })),
  "no-shape": (s, v) =>
    editMeta(s, v, (m) => {
      const { shape: _s, ...rest } = m;
      return rest;
    }),
  /** Metadata that says another layout than the chunks hold: order, key separator, filters, compressor. */
  "layout-lie": (s, v, r) =>
    editMeta(s, v, (m) => {
      const lie = pick(r, ["order", "separator", "filters", "compressor"]);
      if (lie === "order") return { ...m, order: m.order === "F" ? "C" : "F" };
      if (lie === "separator") return { ...m, dimension_separator: m.dimension_separator === "/" ? "." : "/" };
      if (lie === "filters") return { ...m, filters: m.filters ? null : [{ id: "delta", dtype: "<u2" }] };
      const others = [null, { id: "zlib", level: 1 }, { id: "zstd", level: 1 }, { id: "lz4", acceleration: 1 }];
      return { ...m, compressor: pick(r, others) };
    }),
  "dims-lie": (s, v) => editAttrs(s, v, (a) => ({ ...a, _ARRAY_DIMENSIONS: ["y", "x"] })),
  "meta-bitflip": (s, v, r) => {
    const p = join(s, v, ".zarray");
    const b = readFileSync(p);
    for (let k = 0; k < 1 + int(r, 3); k++) b[int(r, b.length)] ^= 1 << int(r, 7);
    writeFileSync(p, b);
    return true;
  },
  "consolidated-disagrees": (s, v, r) => {
    const p = join(s, ".zmetadata");
    const z = JSON.parse(readFileSync(p, "utf8"));
    const m = z.metadata[`${v}/.zarray`];
    if (!m) return false;
    m.chunks = (m.chunks as number[]).map((c: number) => Math.max(1, c + pick(r, [-1, 1, 3])));
    writeFileSync(p, JSON.stringify(z));
    return true;
  },
  "coord-short": (s, _v, r) => {
    const c = pick(r, ["x", "y"]);
    const p = join(s, c, ".zarray");
    const m = JSON.parse(readFileSync(p, "utf8"));
    m.shape = [Math.max(1, m.shape[0] - 1 - int(r, 5))];
    m.chunks = m.shape;
    writeFileSync(p, JSON.stringify(m));
    rmSync(join(s, ".zmetadata"), { force: true });
    return true;
  },
};

/** The Zarr families that mutate chunk bytes only (they apply to v3 shards too). */
const chunkMutations = () => Object.fromEntries(Object.entries(zarrMutations).filter(([k]) => k.startsWith("chunk-")));

/** The chunk files of `variable`, nested keys ("/" separator: `0/1/2`) included. */
function chunkFiles(store: string, variable: string): string[] {
  return readdirSync(join(store, variable), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith(".") && e.name !== "zarr.json")
    .map((e) => relative(join(store, variable), join(e.parentPath, e.name)));
}

function editChunk(s: string, v: string, r: () => number, f: (b: Uint8Array) => Uint8Array): boolean {
  const files = chunkFiles(s, v);
  if (files.length === 0) return false;
  const p = join(s, v, pick(r, files));
  writeFileSync(p, f(new Uint8Array(readFileSync(p))));
  return true;
}

function editMeta(s: string, v: string, f: (m: Record<string, unknown>) => Record<string, unknown>): boolean {
  const p = join(s, v, ".zarray");
  writeFileSync(p, JSON.stringify(f(JSON.parse(readFileSync(p, "utf8")))));
  rmSync(join(s, ".zmetadata"), { force: true }); // the array's own document is what is read
  return true;
}

function editAttrs(s: string, v: string, f: (a: Record<string, unknown>) => Record<string, unknown>): boolean {
  const p = join(s, v, ".zattrs");
  writeFileSync(p, JSON.stringify(f(JSON.parse(readFileSync(p, "utf8")))));
  rmSync(join(s, ".zmetadata"), { force: true });
  return true;
}

/** `n` cases from the bases, seeded; tiff and zarr alternate. */
export function makeCases(
  seed: number,
  n: number,
  bases: { tiff: string[]; zarr: { path: string; variable: string }[] },
  out: string,
): Case[] {
  const r = rng(seed);
  mkdirSync(out, { recursive: true });
  const cases: Case[] = [];
  const tiffBytes = bases.tiff.map((p) => new Uint8Array(readFileSync(p)));
  for (let i = 0; cases.length < n && i < n * 4; i++) {
    const id = `case-${String(i).padStart(5, "0")}`;
    if (i % 2 === 0 && tiffBytes.length) {
      const family = pick(r, Object.keys(tiffMutations));
      const base = int(r, tiffBytes.length);
      const b = (tiffMutations[family] as TiffMutation)(tiffBytes[base] as Uint8Array, r);
      if (!b) continue;
      const path = join(out, `${id}.${family}.tif`);
      writeFileSync(path, b);
      cases.push({ id, family, kind: "tiff", path });
    } else if (bases.zarr.length) {
      let family = pick(r, Object.keys(zarrMutations));
      const base = pick(r, bases.zarr);
      // A v3 store: the chunk families (its shards are its chunk files) and v3's own, chosen
      // again (v2 stores draw as before, so earlier seeds make the same cases).
      const families = isV3(base.path, base.variable) ? { ...chunkMutations(), ...v3Mutations } : zarrMutations;
      if (families !== zarrMutations) family = pick(r, Object.keys(families));
      const path = join(out, `${id}.${family}.zarr`);
      cpSync(base.path, path, { recursive: true });
      if (!families[family]?.(path, base.variable, r)) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      cases.push({ id, family, kind: "zarr", path, variable: base.variable });
    }
  }
  return cases;
}

/** Total bytes under a path (for reports). */
export function sizeOf(p: string): number {
  const s = statSync(p);
  return s.isDirectory() ? readdirSync(p).reduce((n, f) => n + sizeOf(join(p, f)), 0) : s.size;
}
