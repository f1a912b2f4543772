/**
 * numcodecs' `bz2` compressor (Python's `bz2` module) for reading, with tilecast's own bzip2
 * decoder (io/bzip2.ts), bounded by the chunk's size. tilecast never writes it.
 */
import { decodeBzip2 } from "../bzip2.js";
import { type ChunkMeta, chunkLimit } from "./bounds.js";

export const bz2Codec = {
  kind: "bytes_to_bytes" as const,
  fromConfig: (_config: unknown, meta?: ChunkMeta) => {
    const limit = chunkLimit(meta);
    return {
      kind: "bytes_to_bytes" as const,
      encode: () => {
        throw new Error("tilecast does not write the bz2 compressor");
      },
      decode: (b: Uint8Array): Uint8Array => decodeBzip2(b, limit ?? 2 ** 31 - 1, limit ?? 0),
    };
  },
};
