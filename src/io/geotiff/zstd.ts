/**
 * Zstandard blocks, bounded: the output buffer is the most a block may decode to, not the size a
 * frame's header claims, so a hostile header cannot make the decoder allocate gigabytes.
 */
import type { ZSTDDecoder } from "zstddec";

/** zstddec (WebAssembly) loads on first use: most runs never meet a ZSTD file. */
let decoder: Promise<ZSTDDecoder> | null = null;
const loadDecoder = () => {
  decoder ??= import("zstddec").then(async ({ ZSTDDecoder }) => {
    const d = new ZSTDDecoder();
    await d.init();
    return d;
  });
  return decoder;
};

/**
 * Decompress every Zstandard frame in `raw` into at most `limit` bytes.
 *
 * @throws Error when the stream is corrupt or decodes to more than `limit` bytes.
 */
export async function decodeZstd(raw: Uint8Array, limit: number): Promise<Uint8Array> {
  const out = (await loadDecoder()).decode(raw, limit);
  // zstddec returns ZSTD_decompress's size_t as it comes; an error code is past any real size.
  if (out.length === 0 && raw.length > 0)
    throw new Error(`Zstandard stream is corrupt or decodes to more than ${limit} bytes`);
  return out;
}
