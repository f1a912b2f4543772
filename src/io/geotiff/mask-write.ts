/**
 * Writing a GDAL internal mask (`mask.ts` reads them): one bit a pixel, 1 where the data's mask
 * holds every band valid, in tiles of the data's size compressed as the data is, described by a
 * directory of its own (NewSubfileType 4, PhotometricInterpretation 4) after the image's. GDAL
 * reads it as the per-dataset mask of every band (`GetMaskFlags() == GMF_PER_DATASET`), as
 * `gdal_translate` and QGIS carry it. The plain tiled writer writes one when its spec asks
 * (`SinkSpec.mask`).
 */
import type { Grid } from "../../grid/grid.js";
import type { IfdEntry } from "./ifd.js";
import { FieldType, Tag } from "./tags.js";
import { CODES, compress, type ImageLayout, type TileFormat } from "./tile-codec.js";

/**
 * One mask tile of `block` (bands, h, w), packed: rows of `f.tileWidth` bits, most significant
 * bit first, 1 where the block's mask holds every band of the pixel valid (all 1 without a
 * mask); the padding past the raster's edge is 0. Nodata values are not in it: they stay in the
 * data, as GDAL keeps a file's nodata apart from its mask. Compressed with the data's codec.
 */
export async function encodeMaskTile(block: Grid, f: TileFormat): Promise<Uint8Array> {
  const [bands, h, w] = block.shape as [number, number, number];
  const rowBytes = Math.ceil(f.tileWidth / 8);
  const bits = new Uint8Array(rowBytes * f.tileHeight);
  const mask = block.mask;
  const n = h * w;
  for (let y = 0; y < h; y++) {
    const row = y * rowBytes;
    bits.fill(0xff, row, row + (w >> 3));
    if (w & 7) bits[row + (w >> 3)] = (0xff00 >> (w & 7)) & 0xff;
    if (!mask) continue;
    for (let b = 0; b < bands; b++) {
      const cells = mask.subarray(b * n + y * w, b * n + (y + 1) * w);
      for (let c = cells.indexOf(0); c >= 0; c = cells.indexOf(0, c + 1))
        bits[row + (c >> 3)] = (bits[row + (c >> 3)] as number) & ~(0x80 >> (c & 7));
    }
  }
  return f.compress === "none" ? bits : compress(bits, f.compress, f.level);
}

/**
 * The directory entries of the mask image of a `f`-tiled image of `im`'s size (an overview's
 * mask when `im.overview`: NewSubfileType 5, reduced and mask).
 */
export function maskEntries(f: TileFormat, im: ImageLayout): IfdEntry[] {
  const long = im.bigTiff ? FieldType.LONG8 : FieldType.LONG;
  return [
    { tag: Tag.NewSubfileType, type: FieldType.LONG, values: [im.overview ? 5 : 4] },
    { tag: Tag.ImageWidth, type: FieldType.LONG, values: [im.width] },
    { tag: Tag.ImageLength, type: FieldType.LONG, values: [im.height] },
    { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: [1] },
    { tag: Tag.Compression, type: FieldType.SHORT, values: [CODES[f.compress]] },
    { tag: Tag.Photometric, type: FieldType.SHORT, values: [4] },
    { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [1] },
    { tag: Tag.PlanarConfiguration, type: FieldType.SHORT, values: [1] },
    { tag: Tag.TileWidth, type: FieldType.LONG, values: [f.tileWidth] },
    { tag: Tag.TileLength, type: FieldType.LONG, values: [f.tileHeight] },
    { tag: Tag.TileOffsets, type: long, values: Array.from(im.offsets) },
    { tag: Tag.TileByteCounts, type: long, values: Array.from(im.counts) },
  ];
}
