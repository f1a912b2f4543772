/**
 * Filling chunk-aligned regions of an existing store's `(band, y, x)` or `(y, x)` variable, from as many
 * processes at once as there are disjoint regions: every chunk lands atomically.
 *
 * @example
 * ```ts
 * import { openZarrRegionSink } from "tilecast";
 * // in each worker: const sink = await openZarrRegionSink("forecast.zarr", "t2m"); sink.writeBlock(col, row, grid)
 * ```
 */
import { TilecastError } from "../../errors.js";
import { makeBlockGrid } from "../../grid/block-grid.js";
import { DTYPE_INFO, type DType } from "../../grid/dtype.js";
import type { GridSink } from "../types.js";
import { ZarrChunkWriter } from "./chunk-writer.js";
import { type Compressor } from "./codecs.js";
import { openZarr } from "./dataset.js";

interface StoredCompression {
  compressor?: Compressor | null;
  codecs?: { name: string; configuration?: Record<string, unknown> }[];
}

/** The compressor an existing array uses (v2 `compressor`, or the v3 bytes-to-bytes codec). */
function storedCompressor(m: StoredCompression): Compressor | null {
  if (m.compressor !== undefined) return m.compressor;
  const c = (m.codecs ?? []).find((x) => x.name !== "bytes" && x.name !== "transpose");
  if (!c) return null;
  const cfg = c.configuration ?? {};
  if (c.name === "blosc") {
    const i = ["noshuffle", "shuffle", "bitshuffle"].indexOf(String(cfg.shuffle));
    const shuffle: 0 | 1 | 2 = i === 0 || i === 2 ? i : 1;
    return { id: "blosc", cname: cfg.cname as "zstd", clevel: Number(cfg.clevel ?? 5), shuffle, blocksize: 0 };
  }
  if (c.name === "zstd") return { id: "zstd", level: Number(cfg.level ?? 3) };
  if (c.name === "gzip" || c.name === "zlib") return { id: c.name, level: Number(cfg.level ?? 5) };
  throw new TilecastError("E_UNSUPPORTED", `cannot write chunks with codec ${c.name}`);
}

/**
 * A sink over an existing store's `(band, y, x)` or `(y, x)` variable, for filling chunk-aligned regions from
 * several processes at once: each chunk lands atomically, `commit()` publishes nothing.
 */
export async function openZarrRegionSink(
  path: string,
  variable: string,
  compressor?: Compressor | null,
): Promise<GridSink> {
  const ds = await openZarr(path, { cacheBytes: 0 }); // metadata only: nothing read twice
  const info = ds.arrays.get(variable);
  if (!info || (info.dims.length !== 3 && info.dims.length !== 2))
    throw new TilecastError("E_ARGUMENT", `no (band, y, x) or (y, x) variable '${variable}'`, { path });
  // A (y, x) variable (one of several a stacked output holds) is written as one band.
  const flat = info.dims.length === 2;
  const [bands, h, w] = (flat ? [1, ...info.shape] : info.shape) as [number, number, number];
  const [cb, ch, cw] = (flat ? [1, ...info.chunks] : info.chunks) as [number, number, number];
  if (cb !== 1) throw new TilecastError("E_UNSUPPORTED", `variable '${variable}' must have band chunks of 1`, { path });
  const key = ds.zarrFormat === 3 ? `/${variable}/zarr.json` : `/${variable}/.zarray`;
  const bytes = await ds.store.get(key as `/${string}`);
  const meta = (bytes ? JSON.parse(new TextDecoder().decode(bytes)) : {}) as StoredCompression;
  const dtype = info.dtype as DType;
  if (!(dtype in DTYPE_INFO))
    throw new TilecastError("E_UNSUPPORTED", `dtype ${info.dtype} cannot be written`, { path });
  if (meta.codecs?.some((x) => x.name === "sharding_indexed"))
    throw new TilecastError(
      "E_UNSUPPORTED",
      `variable '${variable}' is sharded; region writes need one writer per shard, so write it as one store instead`,
      { path },
    );
  const c = compressor === undefined ? storedCompressor(meta) : compressor;
  return new ZarrChunkWriter(
    path,
    path,
    ds.zarrFormat,
    {
      name: variable,
      dtype,
      fillValue: info.fillValue,
      compressor: c,
      bands,
      ...(flat ? { place: [{ name: variable, index: null }] } : {}),
    },
    makeBlockGrid(w, h, cw, ch),
    null,
  );
}
