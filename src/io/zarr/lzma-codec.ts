/**
 * numcodecs' `lzma` compressor (Python's `lzma` module) for reading: its default .xz format
 * (`format: 1`, or 0 for either), .lzma (`format: 2`), and raw LZMA2 streams (`format: 3`) whose
 * `filters` are LZMA2, optionally after Delta. Decoded by tilecast's own decoder (io/lzma), with
 * Python's rules for bytes after a stream. tilecast never writes it.
 */
import { TilecastError } from "../../errors.js";
import { LzmaError } from "../lzma/lzma.js";
import { decodeLzmaAlone, decodeRawLzma2, decodeXz } from "../lzma/xz.js";
import { type ChunkMeta, chunkBytes, chunkLimit } from "./bounds.js";

interface LzmaConfig {
  format?: number;
  filters?: { id: number; dist?: number; dict_size?: number; preset?: number }[] | null;
}

const FILTER_LZMA2 = 0x21;
const FILTER_DELTA = 0x03;

/** Whether tilecast reads this configuration, or why not. */
export function lzmaConfigProblem(config: unknown): string | null {
  const c = (config ?? {}) as LzmaConfig;
  const format = c.format ?? 1;
  if (![0, 1, 2, 3].includes(format)) return `lzma format ${format}`;
  if (format !== 3) return null;
  const filters = c.filters ?? [];
  const last = filters.at(-1);
  if (last?.id !== FILTER_LZMA2 || filters.slice(0, -1).some((f) => f.id !== FILTER_DELTA))
    return "raw lzma with filters other than LZMA2 after Delta";
  return null;
}

/** liblzma's dictionary size for presets 0-9 (the extreme flag, 0x80000000, does not change it). */
const PRESET_DICT = [18, 20, 21, 22, 22, 23, 23, 24, 25, 26].map((bits) => 2 ** bits);

function decodeRaw(b: Uint8Array, filters: NonNullable<LzmaConfig["filters"]>, limit: number): Uint8Array {
  const last = filters.at(-1) as { dict_size?: number; preset?: number };
  const dict = last.dict_size ?? PRESET_DICT[(last.preset ?? 6) & 0xf] ?? 2 ** 23;
  return decodeRawLzma2(
    b,
    limit,
    dict,
    filters.slice(0, -1).map((f) => f.dist ?? 1),
  );
}

export const lzmaCodec = {
  kind: "bytes_to_bytes" as const,
  fromConfig: (config: unknown, meta?: ChunkMeta) => {
    const problem = lzmaConfigProblem(config);
    if (problem) throw new TilecastError("E_UNSUPPORTED", `unsupported ${problem}`);
    const c = (config ?? {}) as LzmaConfig;
    const format = c.format ?? 1;
    const limit = chunkLimit(meta) ?? 2 ** 31 - 1;
    // The chunk's own size sizes the first buffer of an .xz block that does not declare its own
    // (Python's do not): the limit's 64 KiB of slack was allocated for each one-value chunk.
    const exact = meta?.dataType && meta.shape ? (chunkBytes(meta.dataType, meta.shape) ?? 0) : 0;
    return {
      kind: "bytes_to_bytes" as const,
      encode: () => {
        throw new Error("tilecast does not write the lzma compressor");
      },
      decode: (b: Uint8Array): Uint8Array => {
        try {
          if (format === 3) return decodeRaw(b, c.filters ?? [], limit);
          const xz = b[0] === 0xfd && b[1] === 0x37;
          if (format === 2 || (format === 0 && !xz)) return decodeLzmaAlone(b, limit, { trailing: "python" });
          return decodeXz(b, limit, { trailing: "python", expected: exact });
        } catch (e) {
          if (e instanceof LzmaError) throw new Error(`lzma: ${e.message}`);
          throw e;
        }
      },
    };
  },
};
