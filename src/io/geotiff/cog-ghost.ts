/**
 * GDAL's "ghost" structural metadata for Cloud-Optimized GeoTIFFs: a text block right after the
 * TIFF header that tells readers the file's layout (directories before data, row-major tiles,
 * each tile with a 4-byte size leader and its last 4 bytes repeated). GDAL's validator and
 * readers look for it byte for byte; the COG writer ({@link CogSink}) writes it.
 */

const GHOST_BODY = [
  "LAYOUT=IFDS_BEFORE_DATA",
  "BLOCK_ORDER=ROW_MAJOR",
  "BLOCK_LEADER=SIZE_AS_UINT4",
  "BLOCK_TRAILER=LAST_4_BYTES_REPEATED",
  "KNOWN_INCOMPATIBLE_EDITION=NO",
  " ",
].join("\n");

/**
 * GDAL's structural metadata, padded to an even length (the first directory follows it). With
 * `masked`, it also says each mask tile follows its image tile (`MASK_INTERLEAVED_WITH_IMAGERY`).
 */
export function ghostHeader(masked = false): Uint8Array {
  const body = masked ? `${GHOST_BODY}MASK_INTERLEAVED_WITH_IMAGERY=YES\n` : GHOST_BODY;
  const text = `GDAL_STRUCTURAL_METADATA_SIZE=${String(body.length).padStart(6, "0")} bytes\n${body}`;
  const out = new Uint8Array(text.length + (text.length % 2));
  out.set(new TextEncoder().encode(text));
  return out;
}
