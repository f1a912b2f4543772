/**
 * Zstandard blocks, bounded: the output buffer is the most a block may decode to, not the size a
 * frame's header claims, so a hostile header cannot make the decoder allocate gigabytes.
 */
import { ZSTDDecoder } from "zstddec";

const decoder = new ZSTDDecoder();

/**
 * Decompress every Zstandard frame in `raw` into at most `limit` bytes.
 *
 * @throws Error when the stream is corrupt or decodes to more than `limit` bytes.
 */
export async function decodeZstd(raw: Uint8Array, limit: number): Promise<Uint8Array> {
  await decoder.init();
  const out = decoder.decode(raw, limit);
  // zstddec returns ZSTD_decompress's size_t as it comes; an error code is past any real size.
  if (out.length === 0 && raw.length > 0)
    throw new Error(`Zstandard stream is corrupt or decodes to more than ${limit} bytes`);
  return out;
}
